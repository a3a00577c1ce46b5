/**
 * The meeting contract's plain values: limits, defaults and outcome names. No zod here, on purpose:
 * workflow code imports these, and the SDK instantiates every module a workflow loads once per
 * cached workflow (zod and the schemas cost about 1.1 MB of heap in each; see README, Performance).
 */
import type { Transcript, ValidMeetingInput } from './meeting-input';

/** Zoom's own limit on breakout rooms per meeting. */
export const MAX_ROOMS = 100;

/** The default must produce a transcript: Recall's own streaming model, tuned for accuracy. */
export const DEFAULT_TRANSCRIPT: Transcript = {
  provider: { recallai_streaming: { mode: 'prioritize_accuracy', language_code: 'en' } },
};

/**
 * Posted by each bot once it is in its room. Zoom breakout rooms have a chat of their own, and
 * Recall's `chat.on_bot_join` posts where the bot joins (the main room), so the notice is sent
 * after the bot was moved.
 */
export const DEFAULT_RECORDING_NOTICE =
  'This breakout room is being recorded (video, audio and a transcript) by a recording bot. ' +
  'If you do not want to be recorded, turn off your camera and microphone or leave the room, and tell the host.';

/** The notice text each room's bot posts, or undefined when the meeting turned notices off. */
export function recordingNoticeText(input: Pick<ValidMeetingInput, 'recordingNotice'>): string | undefined {
  if (input.recordingNotice?.enabled === false) return undefined;
  return input.recordingNotice?.text ?? DEFAULT_RECORDING_NOTICE;
}

export const ROOM_OUTCOMES = ['recorded', 'partial', 'failed', 'cancelled'] as const;
export type RoomOutcome = (typeof ROOM_OUTCOMES)[number];

export const ARTIFACT_KINDS = [
  'video',
  'transcript',
  'participants',
  'participant_events',
  'speaker_timeline',
  'meeting_metadata',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
