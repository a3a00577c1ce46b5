/**
 * Request bodies the client sends (API v1.11). Only the fields the project uses are spelled out;
 * the index signatures let callers pass any other documented field through unchanged.
 */

export type BreakoutRoomMode = 'auto_accept_all_invites' | 'join_main_room' | 'join_specific_room';

/**
 * Zoom breakout placement. Newer Recall material; the shape comes from third-party clients, so it
 * is sent as-is and Recall's own validation has the last word.
 */
export interface BreakoutRoomSetting {
  mode: BreakoutRoomMode;
  /** Required with `join_specific_room`: the Zoom breakout room id from a breakout webhook. */
  room_id?: string;
}

export interface TranscriptSetting {
  /** Exactly one provider key, e.g. `{ recallai_streaming: {} }` or `{ meeting_captions: {} }`. */
  provider: Record<string, unknown>;
  diarization?: { use_separate_streams_when_available?: boolean };
}

export interface RecordingConfig {
  /** Null or absent means no transcript. */
  transcript?: TranscriptSetting | null;
  [field: string]: unknown;
}

/** All values in seconds. */
export interface AutomaticLeave {
  waiting_room_timeout?: number;
  noone_joined_timeout?: number;
  everyone_left_timeout?: number | { timeout: number; activate_after?: number };
  in_call_not_recording_timeout?: number;
  in_call_recording_timeout?: number | null;
  recording_permission_denied_timeout?: number;
  [field: string]: unknown;
}

/** URLs Recall calls to fetch Zoom tokens; they are signed like webhooks. */
export interface ZoomBotSetting {
  user_email?: string;
  zak_url?: string;
  join_token_url?: string;
  [field: string]: unknown;
}

export interface CreateBotRequest {
  meeting_url: string;
  bot_name?: string;
  /** ISO 8601. More than 10 minutes ahead makes a scheduled bot, which never gets a 507. */
  join_at?: string;
  recording_config?: RecordingConfig | null;
  automatic_leave?: AutomaticLeave;
  zoom?: ZoomBotSetting;
  breakout_room?: BreakoutRoomSetting;
  /** String values of at most 500 characters; bots can be listed by them. */
  metadata?: Record<string, string>;
  [field: string]: unknown;
}

/** Body of `POST /api/v1/recording/{id}/create_transcript/` (async transcription). */
export interface CreateTranscriptRequest {
  /** An async provider, e.g. `{ recallai_async: { language_code: 'auto' } }`. */
  provider: Record<string, unknown>;
  diarization?: { use_separate_streams_when_available?: boolean };
  [field: string]: unknown;
}

export interface ListBotsFilter {
  /** `metadata__KEY=VALUE` filters, AND-ed by Recall. */
  metadata?: Record<string, string>;
  status?: string[];
  joinAtAfter?: string | Date;
  joinAtBefore?: string | Date;
}

/**
 * Send Chat Message (docs.recall.ai/reference/bot_send_chat_message_create). Zoom takes `everyone`
 * (the default), `host`, `everyone_except_host` or a participant id; at most 4096 characters.
 */
export interface SendChatMessageRequest {
  to?: string;
  message: string;
  pin?: boolean;
}
