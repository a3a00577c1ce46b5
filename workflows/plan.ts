/** Input validation and room planning for the meeting workflow: pure, so unit-tested and replay-safe. */
import type { z } from 'zod';
import {
  DEFAULT_TRANSCRIPT,
  MeetingInputSchema,
  PolicySchema,
  RoomSpecSchema,
  type PlannedRoom,
  type RoomSpec,
  type ValidMeetingInput,
} from '../src/contracts';
import { firstIssue } from '../src/contracts/issue';

export const INVALID_INPUT = 'InvalidInput';

/** Names the first bad field the way a person would write it: `rooms[2].key: ...`. */
export function describeIssue(error: z.ZodError, root = 'input'): string {
  const { field, message } = firstIssue(error, root);
  return `${field}: ${message}`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseMeetingInput(raw: unknown): ParseResult<ValidMeetingInput> {
  const parsed = MeetingInputSchema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeIssue(parsed.error) };
}

export function parseRoomSpec(raw: unknown): ParseResult<RoomSpec> {
  const parsed = RoomSpecSchema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: describeIssue(parsed.error, 'room') };
}

/** Fills in every default: names `Room N` and bot names `<prefix>-N`, as Recall's breakout guide recommends. */
export function planRoom(spec: RoomSpec, index: number, botNamePrefix: string): PlannedRoom {
  const n = index + 1;
  return {
    key: spec.key,
    name: spec.name ?? `Room ${n}`,
    botName: spec.botName ?? `${botNamePrefix}-${n}`,
    ...(spec.breakoutRoomId ? { breakoutRoomId: spec.breakoutRoomId } : {}),
    ...(spec.zoom ? { zoom: spec.zoom } : {}),
  };
}

export function planRooms(input: ValidMeetingInput): PlannedRoom[] {
  const prefix = input.botNamePrefix ?? 'BreakoutBot';
  const specs: RoomSpec[] =
    input.rooms ?? Array.from({ length: input.roomCount ?? 0 }, (_, i) => ({ key: `room-${i + 1}` }));
  return specs.map((spec, i) => planRoom(spec, i, prefix));
}

export function resolvePolicy(input: ValidMeetingInput) {
  return input.policy ?? PolicySchema.parse({});
}

export function resolveTranscript(input: ValidMeetingInput) {
  return input.transcript ?? DEFAULT_TRANSCRIPT;
}

/** The meeting key operators search by: the workflow ID without the helpers' `meeting/` prefix. */
export function meetingKeyOf(workflowId: string): string {
  return workflowId.startsWith('meeting/') ? workflowId.slice('meeting/'.length) : workflowId;
}
