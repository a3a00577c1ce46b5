/** Input validation and room planning for the meeting workflow: pure, so unit-tested and replay-safe. */
import type { z } from 'zod';
import type { PlannedRoom, RoomSpec, ValidMeetingInput } from '../src/contracts';
import { DEFAULT_TRANSCRIPT } from '../src/contracts/meeting-constants';
import type * as MeetingInputModule from '../src/contracts/meeting-input';
import type * as PolicyModule from '../src/contracts/policy';
import { firstIssue } from '../src/contracts/issue';

/**
 * The schemas, loaded when a meeting first validates or fills in defaults, not when the bundle
 * loads. The SDK instantiates every module a workflow loads once per cached workflow: zod and the
 * schemas are about 1.1 MB of heap in each, and rooms (20 per meeting) never validate.
 */
function schemas() {
  /* eslint-disable @typescript-eslint/no-require-imports -- a lazy load, see above */
  const { MeetingInputSchema, RoomSpecSchema } = require('../src/contracts/meeting-input') as typeof MeetingInputModule;
  const { PolicySchema } = require('../src/contracts/policy') as typeof PolicyModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { MeetingInputSchema, RoomSpecSchema, PolicySchema };
}

export const INVALID_INPUT = 'InvalidInput';

/** Names the first bad field the way a person would write it: `rooms[2].key: ...`. */
export function describeIssue(error: z.ZodError, root = 'input'): string {
  const { field, message } = firstIssue(error, root);
  return `${field}: ${message}`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseMeetingInput(raw: unknown): ParseResult<ValidMeetingInput> {
  const parsed = schemas().MeetingInputSchema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeIssue(parsed.error) };
}

export function parseRoomSpec(raw: unknown): ParseResult<RoomSpec> {
  const parsed = schemas().RoomSpecSchema.safeParse(raw);
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
  return input.policy ?? schemas().PolicySchema.parse({});
}

export function resolveTranscript(input: ValidMeetingInput) {
  return input.transcript ?? DEFAULT_TRANSCRIPT;
}

/** The meeting key operators search by: the workflow ID without the helpers' `meeting/` prefix. */
export function meetingKeyOf(workflowId: string): string {
  return workflowId.startsWith('meeting/') ? workflowId.slice('meeting/'.length) : workflowId;
}
