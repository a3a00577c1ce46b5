/**
 * Turns a verified Recall webhook into the `recallEvent` signal and the workflow it goes to.
 * Pure: the receiver does the I/O. Lenient like the schemas it uses: unknown event names and
 * codes pass through, because Recall adds them without notice and the room workflow decides.
 */
import { z } from 'zod';
import type { RecallEvent } from '../contracts/recall-event';
import { WebhookEventSchema, breakoutRoomOf, type WebhookEvent } from '../recall';

export interface RoutedRecallEvent {
  /**
   * The room workflow that owns the bot, from `data.bot.metadata.workflowId` (set at bot creation),
   * only when it has the project's room shape and agrees with the rest of the metadata.
   */
  workflowId: string | undefined;
  /** A `workflowId` in the metadata that is not a room workflow ID: never signalled. */
  refusedWorkflowId?: string;
  /** Undefined when the event is about no bot (e.g. a recording made without one). */
  event: RecallEvent | undefined;
  /** The event name, for metrics and logs even when nothing is routed. */
  eventName: string;
}

/** The verified body is JSON but not shaped like a Recall webhook: a 400, never retried usefully. */
export class NotARecallEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotARecallEventError';
  }
}

/**
 * `bot.in_call_recording` → `in_call_recording`, `recording.done` → `done`: the status an event
 * name stands for, used when the payload carries no `data.data.code`.
 */
export function codeFromEventName(eventName: string): string | undefined {
  const dot = eventName.indexOf('.');
  const code = dot === -1 ? '' : eventName.slice(dot + 1);
  return code === '' ? undefined : code;
}

function routedEvent(parsed: WebhookEvent, eventId: string): RecallEvent | undefined {
  const { bot, data: status, recording } = parsed.data;
  if (!bot) return undefined;
  const event: RecallEvent = { eventId, event: parsed.event, botId: bot.id, source: 'webhook' };
  const code = status?.code ?? codeFromEventName(parsed.event);
  if (code !== undefined) event.code = code;
  // Only a payload that reports a status says anything about its sub code; absent stays absent.
  if (status?.code) event.subCode = status.sub_code ?? null;
  if (status?.updated_at) event.at = status.updated_at;
  if (recording) event.recordingId = recording.id;
  const room = breakoutRoomOf(parsed);
  if (room) event.breakoutRoom = { id: room.id, name: room.name ?? null };
  return event;
}

/**
 * A room workflow ID is `<meeting workflow ID>/room/<room key>` (DESIGN.md, Contracts); bot
 * creation also puts `meetingWorkflowId` and `roomKey` into the metadata, and they must agree.
 * Anything else named in metadata is never signalled: metadata is only as trustworthy as whoever
 * created the bot, and the receiver must not become a way to signal arbitrary workflows.
 */
const ROOM_WORKFLOW_ID = /^(.+)\/room\/([A-Za-z0-9][A-Za-z0-9_-]{0,62})$/;

export function isRoomWorkflowId(workflowId: string, metadata: Record<string, string | undefined>): boolean {
  const match = ROOM_WORKFLOW_ID.exec(workflowId);
  if (!match) return false;
  const [, meetingWorkflowId, roomKey] = match;
  if (metadata.meetingWorkflowId !== undefined && metadata.meetingWorkflowId !== meetingWorkflowId) return false;
  if (metadata.roomKey !== undefined && metadata.roomKey !== roomKey) return false;
  return true;
}

/**
 * @param payload the JSON body, already verified against its signature
 * @param eventId the delivery's `webhook-id` / `svix-id`, identical across Recall's redeliveries,
 *   so the room workflow can drop duplicates
 * @throws NotARecallEventError when the payload is not a Recall webhook event
 */
export function toRecallEvent(payload: unknown, eventId: string): RoutedRecallEvent {
  const result = WebhookEventSchema.safeParse(payload);
  if (!result.success) {
    throw new NotARecallEventError(`not a Recall webhook event: ${z.prettifyError(result.error)}`);
  }
  const parsed = result.data;
  const metadata = parsed.data.bot?.metadata ?? {};
  const workflowId = metadata.workflowId === '' ? undefined : metadata.workflowId;
  const routed = { event: routedEvent(parsed, eventId), eventName: parsed.event };
  if (workflowId !== undefined && !isRoomWorkflowId(workflowId, metadata)) {
    return { ...routed, workflowId: undefined, refusedWorkflowId: workflowId };
  }
  return { ...routed, workflowId };
}
