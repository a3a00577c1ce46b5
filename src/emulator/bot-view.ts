import type { Bot } from './bot';
import { isoMicro } from './clock';
import type { MediaUrls } from './media';
import type { Recording, TranscriptArtifact } from './recording';

/** The v1.11 bot object (reference §2.2). Download URLs are minted fresh on every call, like S3 pre-signed ones. */
export function botJson(bot: Bot, urls: MediaUrls): Record<string, unknown> {
  const body = bot.body;
  return {
    id: bot.id,
    meeting_url: { meeting_id: bot.meetingRef.meetingId, meeting_password: bot.meetingRef.password, platform: 'zoom' },
    bot_name: bot.name,
    // Readable only until the bot joins (reference §2.1).
    join_at: bot.joinAt !== undefined && !bot.dispatched ? isoMicro(bot.joinAt) : null,
    recording_config: bot.recordingConfig,
    status_changes: bot.statusChanges,
    recordings: bot.recordings.map((r) => recordingJson(bot, r, urls)),
    output_media: body.output_media ?? null,
    automatic_video_output: body.automatic_video_output ?? null,
    automatic_audio_output: body.automatic_audio_output ?? null,
    chat: body.chat ?? { on_bot_join: null, on_participant_join: null },
    automatic_leave: bot.automaticLeave,
    variant: body.variant ?? { zoom: 'web', google_meet: 'web', microsoft_teams: 'web', webex: 'web' },
    calendar_meetings: [],
    zoom: { zak_url: null, join_token_url: null, user_email: null, obf_token_url: null, ...body.zoom },
    google_meet: body.google_meet ?? null,
    breakout_room: body.breakout_room ?? { mode: 'auto_accept_all_invites', room_id: null },
    slack_team: null,
    metadata: bot.metadata,
  };
}

export function recordingJson(bot: Bot, r: Recording, urls: MediaUrls): Record<string, unknown> {
  const done = r.status === 'done';
  const status = (code: string, at: number) => ({ code, sub_code: null, updated_at: isoMicro(at) });
  const mediaStatus = status(r.status === 'deleted' ? 'deleted' : done ? 'done' : 'processing', r.updatedAt);
  const url = (file: Parameters<MediaUrls['issue']>[1]) => (done ? urls.issue(r.id, file) : null);
  const transcript = r.transcripts[0];
  return {
    id: r.id,
    created_at: isoMicro(r.createdAt),
    started_at: isoMicro(r.startedAt),
    completed_at: r.endedAt !== undefined && done ? isoMicro(r.endedAt) : null,
    expires_at: null,
    status: status(r.status, r.updatedAt),
    media_shortcuts: {
      video_mixed: {
        id: r.mediaIds.video_mixed,
        created_at: isoMicro(r.createdAt),
        status: mediaStatus,
        metadata: {},
        data: { download_url: url('video') },
        format: 'mp4',
      },
      transcript: transcript ? transcriptJson(r, transcript, urls) : null,
      participant_events: {
        id: r.mediaIds.participant_events,
        created_at: isoMicro(r.createdAt),
        status: mediaStatus,
        metadata: {},
        data: {
          participant_events_download_url: url('participant_events'),
          speaker_timeline_download_url: url('speaker_timeline'),
          participants_download_url: url('participants'),
        },
      },
      meeting_metadata: {
        id: r.mediaIds.meeting_metadata,
        created_at: isoMicro(r.createdAt),
        status: mediaStatus,
        metadata: {},
        // download_url is an emulator addition: it serves exactly these fields as JSON, the bytes the audit log hashes.
        data: done ? { ...r.meetingMetadata(), download_url: url('meeting_metadata') } : { title: null, zoom: null },
      },
    },
    metadata: {},
    bot: { id: bot.id, metadata: bot.metadata },
  };
}

export function transcriptJson(r: Recording, t: TranscriptArtifact, urls: MediaUrls): Record<string, unknown> {
  const done = t.status === 'done';
  return {
    id: t.id,
    created_at: isoMicro(t.createdAt),
    status: { code: t.status, sub_code: null, updated_at: isoMicro(t.updatedAt) },
    metadata: {},
    data: {
      download_url: done ? urls.issue(r.id, 'transcript') : null,
      provider_data_download_url: done ? urls.issue(r.id, 'transcript_provider_data') : null,
    },
    diarization: t.diarization,
    provider: t.provider,
    recording: { id: r.id, metadata: {} },
  };
}
