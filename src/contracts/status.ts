import type { BotSummary, BreakoutRoomRef, RoomOutcome } from './meeting';

export const ROOM_STATES = [
  'scheduled',
  'creating_bot',
  'joining',
  'waiting_room',
  'in_call',
  'in_room',
  'recording',
  'backoff',
  'leaving',
  /** Asked to leave again and again, and still in the call: a bot that bills until someone looks. */
  'not_leaving',
  'collecting',
  /** Artifacts are stored, but the manifest cannot be written yet (full disk, storage outage): retried until it is. */
  'storage_unavailable',
  'recorded',
  'partial',
  'failed',
  'cancelled',
] as const;
export type RoomState = (typeof ROOM_STATES)[number];

/** Answer of the room workflow's `status` query. */
export interface RoomStatus {
  key: string;
  name: string;
  state: RoomState;
  attempt: number;
  maxBots: number;
  botId: string | null;
  breakoutRoom: BreakoutRoomRef | null;
  /** ISO time the current bot started recording, if it is recording. */
  recordingSince: string | null;
  reason: string | null;
  bots: BotSummary[];
}

/** Answer of the meeting workflow's `status` query. */
export interface MeetingStatus {
  state: 'running' | 'ending' | 'reporting' | 'storage_unavailable' | 'done';
  title?: string;
  rooms: { key: string; name: string; workflowId: string; outcome: RoomOutcome | null; reason: string | null }[];
}
