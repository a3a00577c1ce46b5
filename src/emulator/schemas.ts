import { z } from 'zod';

/** Streaming providers accepted on create-bot (reference §2.1); `*_async` ones belong to create_transcript. */
const STREAMING_PROVIDERS = [
  'recallai_streaming',
  'meeting_captions',
  'assembly_ai_async_chunked',
  'assembly_ai_streaming',
  'assembly_ai_v3_streaming',
  'deepgram_streaming',
  'gladia_v1_streaming',
  'gladia_v2_streaming',
  'rev_streaming',
  'aws_transcribe_streaming',
  'speechmatics_streaming',
  'elevenlabs_streaming',
] as const;

const ASYNC_PROVIDERS = [
  'recallai_async',
  'assembly_ai_async',
  'assembly_ai_async_chunked',
  'deepgram_async',
  'gladia_v1_async',
  'gladia_v2_async',
  'rev_async',
  'speechmatics_async',
] as const;

const seconds = z.number().int().min(1);

const providerSchema = (allowed: readonly string[]) =>
  z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .refine((p) => Object.keys(p).length === 1, { message: 'Exactly one provider must be set.' })
    .refine((p) => Object.keys(p).every((k) => allowed.includes(k)), {
      message: `Unsupported provider. Choose one of: ${allowed.join(', ')}.`,
    });

const diarizationSchema = z.object({ use_separate_streams_when_available: z.boolean().optional() }).nullish();

const transcriptSchema = z.object({ provider: providerSchema(STREAMING_PROVIDERS), diarization: diarizationSchema });

const recordingConfigSchema = z.looseObject({
  transcript: transcriptSchema.nullish(),
  start_recording_on: z.enum(['participant_join', 'call_join', 'participant_speak']).optional(),
  realtime_endpoints: z.array(z.unknown()).optional(),
  video_mixed_layout: z.enum(['speaker_view', 'gallery_view', 'gallery_view_v2', 'audio_only']).optional(),
  metadata: z.record(z.string(), z.string().max(500)).nullish(),
});

const timeoutWithActivation = z.object({ timeout: seconds, activate_after: z.number().int().min(0).nullish() });

const automaticLeaveSchema = z.looseObject({
  waiting_room_timeout: seconds.optional(),
  noone_joined_timeout: seconds.optional(),
  // Older accounts send a plain integer; newer ones an object (reference §2.1).
  everyone_left_timeout: z.union([seconds, timeoutWithActivation]).optional(),
  in_call_not_recording_timeout: seconds.optional(),
  in_call_recording_timeout: seconds.nullish(),
  recording_permission_denied_timeout: seconds.optional(),
});

const breakoutRoomSchema = z
  .object({
    mode: z.enum(['auto_accept_all_invites', 'join_main_room', 'join_specific_room']),
    room_id: z.string().min(1).nullish(),
  })
  .refine((b) => b.mode !== 'join_specific_room' || !!b.room_id, {
    message: 'room_id is required when mode is join_specific_room.',
    path: ['room_id'],
  });

export const createBotSchema = z.looseObject({
  meeting_url: z.string().min(1).max(2000),
  bot_name: z.string().min(1).max(100).optional(),
  join_at: z.iso.datetime({ offset: true }).nullish(),
  recording_config: recordingConfigSchema.nullish(),
  automatic_leave: automaticLeaveSchema.optional(),
  zoom: z
    .looseObject({
      user_email: z.email().nullish(),
      zak_url: z.url().nullish(),
      join_token_url: z.url().nullish(),
      obf_token_url: z.url().nullish(),
    })
    .nullish(),
  breakout_room: breakoutRoomSchema.nullish(),
  metadata: z.record(z.string(), z.string().max(500)).optional(),
});

export type CreateBotBody = z.infer<typeof createBotSchema>;

export const createTranscriptSchema = z.object({
  provider: providerSchema(ASYNC_PROVIDERS),
  diarization: diarizationSchema,
});

/** Send Chat Message: Zoom's recipients, or a participant id; Zoom's 4096-character limit. */
export const sendChatMessageSchema = z.object({
  to: z.string().min(1).nullish(),
  message: z.string().min(1).max(4096),
  pin: z.boolean().nullish(),
});

/** The automatic_leave settings a bot runs with (the parts the emulator acts on, typed). */
export interface AutomaticLeave extends Record<string, unknown> {
  waiting_room_timeout: number;
  noone_joined_timeout: number;
  everyone_left_timeout: number | { timeout: number; activate_after?: number | null };
  in_call_not_recording_timeout: number;
  in_call_recording_timeout?: number | null;
  recording_permission_denied_timeout: number;
}

/** Recall's documented defaults (reference §2.1), echoed back in the bot object. */
export const DEFAULT_AUTOMATIC_LEAVE: AutomaticLeave = {
  waiting_room_timeout: 1200,
  noone_joined_timeout: 1200,
  everyone_left_timeout: { timeout: 2, activate_after: 0 },
  in_call_not_recording_timeout: 3600,
  recording_permission_denied_timeout: 30,
  in_call_recording_timeout: null,
  silence_detection: { timeout: 3600, activate_after: 1200 },
  bot_detection: {
    using_participant_events: { timeout: 600, activate_after: 1200 },
    using_participant_names: { timeout: 3600, activate_after: 1200, matches: [] },
  },
};

export const DEFAULT_RECORDING_CONFIG = {
  transcript: null,
  realtime_endpoints: [],
  retention: { type: 'forever' },
  video_mixed_layout: 'speaker_view',
  video_mixed_mp4: {},
  participant_events: {},
  meeting_metadata: {},
  video_mixed_participant_video_when_screenshare: 'overlap',
  start_recording_on: 'participant_join',
  include_bot_in_recording: { audio: false },
  metadata: {},
};

/** DRF-style validation body: `{"field": ["msg"]}`, nested objects for nested fields. */
export function drfErrors(error: z.ZodError): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.map(String) : ['non_field_errors'];
    let node = out;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      node = (child && typeof child === 'object' && !Array.isArray(child) ? child : (node[key] = {})) as Record<
        string,
        unknown
      >;
    }
    const leaf = path[path.length - 1]!;
    const list = Array.isArray(node[leaf]) ? (node[leaf] as string[]) : (node[leaf] = []);
    list.push(issue.code === 'invalid_type' && issue.input === undefined ? 'This field is required.' : issue.message);
  }
  return out;
}
