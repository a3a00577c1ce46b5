import { isoMicro } from './clock';
import { type MediaFile, sha256, videoBytes } from './media';
import type { Meeting, Person, Utterance } from './meeting';
import type { Prng } from './prng';
import { Timing } from './timing';
import type { ArtifactKind, AuditRecording } from './types';

export type MediaStatus = 'processing' | 'done' | 'failed' | 'deleted';

export interface TranscriptArtifact {
  id: string;
  createdAt: number;
  status: MediaStatus;
  updatedAt: number;
  provider: Record<string, unknown>;
  diarization: Record<string, unknown> | null;
}

export interface ParticipantEvent {
  id: string;
  action: 'join' | 'leave';
  person: Person;
  at: number;
}

/** Where the bot was while recording; `roomId` null is the main room. */
interface Segment {
  roomId: string | null;
  from: number;
  to?: number;
}

/** One in_call_recording span of a bot: its timeline while it runs, its files once finalized. */
export class Recording {
  readonly createdAt: number;
  endedAt: number | undefined;
  status: MediaStatus = 'processing';
  updatedAt: number;
  readonly mediaIds: { video_mixed: string; participant_events: string; meeting_metadata: string };
  readonly transcripts: TranscriptArtifact[] = [];
  readonly events: ParticipantEvent[] = [];
  private readonly segments: Segment[] = [];
  private files: Map<MediaFile, Buffer> | undefined;
  private deleted = false;
  private videoSeconds = 0;

  constructor(
    readonly id: string,
    readonly startedAt: number,
    roomId: string | null,
    present: { person: Person; joinedAt: number }[],
    private readonly meeting: Meeting,
    private readonly prng: Prng,
    private readonly seed: number,
    readonly audit: AuditRecording,
  ) {
    this.createdAt = startedAt;
    this.updatedAt = startedAt;
    this.mediaIds = { video_mixed: prng.uuid(), participant_events: prng.uuid(), meeting_metadata: prng.uuid() };
    this.segments.push({ roomId, from: startedAt });
    // The participant events file starts with everyone already there (negative times: before recording).
    for (const p of present) this.addEvent('join', p.person, p.joinedAt);
  }

  get recording(): boolean {
    return this.endedAt === undefined;
  }

  addEvent(action: 'join' | 'leave', person: Person, at: number): void {
    this.events.push({ id: this.prng.uuid(), action, person, at });
  }

  moved(roomId: string | null, at: number): void {
    const last = this.segments[this.segments.length - 1];
    if (last) last.to = at;
    this.segments.push({ roomId, from: at });
  }

  end(at: number): void {
    if (this.endedAt !== undefined) return;
    this.endedAt = at;
    const last = this.segments[this.segments.length - 1];
    if (last) last.to = at;
  }

  /** Builds every file from the finished timeline; returns the words the transcript holds. */
  finalize(): string[] {
    const utterances = this.utterances();
    const seen = new Map<number, Person>();
    for (const e of this.events) seen.set(e.person.pid, e.person);
    for (const u of utterances) seen.set(u.person.pid, u.person);
    const participants = [...seen.values()].sort((a, b) => a.pid - b.pid).map(participantJson);
    const rel = (at: number) => ({ relative: round3((at - this.startedAt) / 1000), absolute: isoMicro(at) });

    const transcript = utterances.map((u) => ({
      participant: participantJson(u.person),
      words: u.words.map((text, i) => ({
        text,
        start_timestamp: rel(u.at + i * Timing.wordSeconds * 1000),
        end_timestamp: rel(u.at + (i + 1) * Timing.wordSeconds * 1000),
      })),
    }));
    const speakerTimeline = utterances.map((u) => ({
      participant: participantJson(u.person),
      start_timestamp: rel(u.at),
      end_timestamp: rel(u.at + u.words.length * Timing.wordSeconds * 1000),
    }));
    const events = this.events.map((e) => ({
      id: e.id,
      action: e.action,
      participant: participantJson(e.person),
      timestamp: rel(e.at),
      data: null,
    }));
    const providerData = utterances.map((u) => ({
      speaker: u.person.pid,
      start: rel(u.at).relative,
      text: u.words.join(' '),
    }));

    this.videoSeconds = ((this.endedAt ?? this.startedAt) - this.startedAt) / 1000;
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    this.files = new Map<MediaFile, Buffer>([
      ['transcript', json(transcript)],
      ['transcript_provider_data', json(providerData)],
      ['participants', json(participants)],
      ['participant_events', json(events)],
      ['speaker_timeline', json(speakerTimeline)],
      ['meeting_metadata', json(this.meetingMetadata())],
    ]);
    const video = this.file('video')!;
    const kinds: [ArtifactKind, Buffer][] = [
      ['video', video],
      ['transcript', this.files.get('transcript')!],
      ['participants', this.files.get('participants')!],
      ['participant_events', this.files.get('participant_events')!],
      ['speaker_timeline', this.files.get('speaker_timeline')!],
      ['meeting_metadata', this.files.get('meeting_metadata')!],
    ];
    this.audit.artifacts = kinds.map(([kind, data]) => ({ kind, bytes: data.length, sha256: sha256(data) }));
    return utterances.flatMap((u) => u.words);
  }

  /**
   * delete_media: the files are gone for good (their URLs answer 404), the recording and its
   * transcripts say `deleted`, and a recording still processing is never finalized.
   */
  deleteMedia(at: number): void {
    this.status = 'deleted';
    this.updatedAt = at;
    this.files = undefined;
    this.deleted = true;
    for (const transcript of this.transcripts) {
      transcript.status = 'deleted';
      transcript.updatedAt = at;
    }
    this.audit.deletedAt ??= Date.now();
  }

  /** The files once finalized; the video is regenerated on demand instead of held in memory. */
  file(file: MediaFile): Buffer | undefined {
    if (!this.files || this.deleted) return undefined;
    if (file === 'video') return videoBytes(this.seed, this.id, this.videoSeconds);
    return this.files.get(file);
  }

  get finalized(): boolean {
    return this.files !== undefined || this.deleted;
  }

  meetingMetadata(): { title: string; zoom: { meeting_uuid: string } } {
    return { title: this.meeting.title, zoom: { meeting_uuid: this.meeting.uuid } };
  }

  private utterances(): Utterance[] {
    return this.segments.flatMap((s) => this.meeting.utterances(s.roomId, s.from, s.to ?? s.from));
  }
}

export function participantJson(p: Person): Record<string, unknown> {
  return {
    id: p.pid,
    name: p.name,
    is_host: p.isHost,
    platform: 'desktop',
    extra_data: { zoom: { conf_user_id: p.confUserId } },
    // Recall fills email only with calendar-based participant identification (reference §5).
    email: p.reportedEmail,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
