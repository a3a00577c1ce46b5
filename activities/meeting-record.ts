import { Readable } from 'node:stream';
import type { ArtifactStore } from '../src/artifacts/store';
import type {
  MeetingArtifact,
  MeetingArtifactKind,
  MeetingRecord,
  MeetingRecordInput,
} from '../src/contracts/meeting-record';
import { RecordMerger } from '../src/meeting-record/merge';
import { timelineText, transcriptText, transcriptVtt } from '../src/meeting-record/render';
import { storeCall } from './store-failure';

/** Reads one stored JSON artifact; a file that is gone or not JSON is a note, not a failure. */
async function readJson(store: ArtifactStore, uri: string, what: string, notes: string[]): Promise<unknown> {
  const body = await storeCall(() => store.read(uri));
  if (!body) {
    notes.push(`${what}: listed in the room result but not in the store`);
    return undefined;
  }
  const text = Buffer.concat(await storeCall(() => body.toArray())).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    notes.push(`${what}: not valid JSON; left out`);
    return undefined;
  }
}

/**
 * The meeting as one record, built after every room finished: reads each bot's stored transcript
 * and participant events, merges them (see src/meeting-record/merge.ts) and writes the merged
 * transcript (JSON, plain text, WebVTT) and participant timeline (JSON, plain text) beside the
 * manifest, each with its size and sha256. Rewriting them is safe, so retries are.
 */
export function createMeetingRecordActivities(store: ArtifactStore) {
  return {
    async buildMeetingRecord(input: MeetingRecordInput): Promise<MeetingRecord> {
      const notes: string[] = [];
      // One recording's files at a time: the merger keeps what it needs of each, the rest is let go.
      const merger = new RecordMerger();
      for (const room of input.rooms) {
        notes.push(...room.missing.map((m) => `${room.name}: ${m}`));
        if (room.sources.every((s) => !s.transcriptUri && !s.participantEventsUri)) {
          notes.push(`${room.name}: no transcript or participant events stored`);
        }
        for (const s of room.sources) {
          const what = (kind: string) => `${kind} of ${room.name}, bot ${s.botId}`;
          merger.add({
            roomKey: room.key,
            roomName: room.name,
            botId: s.botId,
            recordingId: s.recordingId,
            ...(s.transcriptUri
              ? { transcript: await readJson(store, s.transcriptUri, what('transcript'), notes) }
              : {}),
            ...(s.participantEventsUri
              ? { participantEvents: await readJson(store, s.participantEventsUri, what('participant events'), notes) }
              : {}),
          });
        }
      }
      const gaps = input.rooms.flatMap((room) =>
        room.gaps.map((g) => ({ roomKey: room.key, roomName: room.name, ...g })),
      );
      const merged = merger.finish(gaps);
      const allNotes = [...notes, ...merged.notes];
      const record = { ...merged, notes: allNotes };
      const title = input.title ?? input.meetingWorkflowId;

      const write = async (
        kind: MeetingArtifactKind,
        format: MeetingArtifact['format'],
        name: string,
        content: string,
      ): Promise<MeetingArtifact> => {
        const key = { meetingWorkflowId: input.meetingWorkflowId, name };
        const stored = await storeCall(() => store.put(key, Readable.from([Buffer.from(content, 'utf8')])));
        return { kind, format, ...stored };
      };
      const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
      const artifacts = [
        await write(
          'meeting_transcript',
          'json',
          'meeting-transcript.json',
          json({
            meetingWorkflowId: input.meetingWorkflowId,
            ...(input.title ? { title: input.title } : {}),
            utterances: record.utterances,
            gaps: record.gaps,
            notes: record.notes,
          }),
        ),
        await write('meeting_transcript', 'txt', 'meeting-transcript.txt', transcriptText(record, title)),
        await write('meeting_transcript', 'vtt', 'meeting-transcript.vtt', transcriptVtt(record)),
        await write(
          'participant_timeline',
          'json',
          'participant-timeline.json',
          json({ meetingWorkflowId: input.meetingWorkflowId, participants: record.participants, gaps: record.gaps }),
        ),
        await write('participant_timeline', 'txt', 'participant-timeline.txt', timelineText(record, title)),
      ];
      return {
        artifacts,
        utterances: record.utterances.length,
        participants: record.participants.length,
        guessedMatches: record.participants.filter((p) => p.guess).length,
        notes: allNotes,
      };
    },
  };
}
