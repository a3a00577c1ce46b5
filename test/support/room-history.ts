/**
 * Reading a room's workflow history for what a bot's follow-up left behind: polls (retrieveBot) and
 * timers of a bot that is already done, and timers firing once collection has begun. Every run of the
 * room (continue-as-new) is read, each on its own: timers and event ids belong to one run.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads;

/** The first payload of a JSON payload list (the default data converter, no codec). */
function firstJson(payloads: Payloads | null | undefined): unknown {
  const data = payloads?.payloads?.[0]?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as unknown) : undefined;
}

/** Every run of a workflow ID, oldest first, followed back through continue-as-new. */
export async function historiesOfRuns(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) return runs;
  }
}

/** What each scheduled activity of a run was: its type and first argument, by scheduled event id. */
function scheduledActivities(events: HistoryEvent[]): Map<number, { type: string; arg: unknown; index: number }> {
  const scheduled = new Map<number, { type: string; arg: unknown; index: number }>();
  events.forEach((e, index) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) scheduled.set(Number(e.eventId), { type: a.activityType?.name ?? '', arg: firstJson(a.input), index });
  });
  return scheduled;
}

/** The status code a `recallEvent` signal brought for the bot; undefined for any other event. */
function signalledCode(e: HistoryEvent, botId: string): string | undefined {
  const signal = e.workflowExecutionSignaledEventAttributes;
  if (signal?.signalName !== 'recallEvent') return undefined;
  const event = firstJson(signal.input) as { botId?: string; code?: string } | undefined;
  return event?.botId === botId ? event.code : undefined;
}

/** The index of the `recallEvent` signal that brought the bot's `code`, or -1. */
export function signalIndex(events: HistoryEvent[], botId: string, code: string): number {
  return events.findIndex((e) => signalledCode(e, botId) === code);
}

/**
 * Where the room learned that the bot was done: the `recallEvent` signal saying so, or the completed
 * poll whose status changes end in `done`. Undefined when this run never learned it.
 */
export function doneLearnedAt(events: HistoryEvent[], botId: string): number | undefined {
  const scheduled = scheduledActivities(events);
  const index = events.findIndex((e) => {
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'recallEvent') {
      const code = signalledCode(e, botId);
      return code === 'done' || code === 'fatal';
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (!completed) return false;
    const activity = scheduled.get(Number(completed.scheduledEventId));
    if (activity?.type !== 'retrieveBot' || activity.arg !== botId) return false;
    const snapshot = firstJson(completed.result) as { statusChanges?: { code: string }[] } | undefined;
    return snapshot?.statusChanges?.some((c) => c.code === 'done' || c.code === 'fatal') ?? false;
  });
  return index < 0 ? undefined : index;
}

/** The workflow task that first saw the event at `index`: everything it or later tasks did came after. */
function taskThatSaw(events: HistoryEvent[], index: number): number {
  const started = events.findIndex((e, i) => i > index && e.workflowTaskStartedEventAttributes);
  return started < 0 ? events.length : started;
}

/**
 * What a done bot's follow-up still did after the room knew it was done, one line each: a poll of it
 * scheduled, or a timer started while it was followed that fired. (A timer that fires in the same
 * batch as the `done` is seen by the same workflow task, so it is not late.)
 */
export function afterDone(events: HistoryEvent[], botId: string): string[] {
  const done = doneLearnedAt(events, botId);
  if (done === undefined) return [];
  const seen = taskThatSaw(events, done);
  const problems: string[] = [];
  const timersBefore = new Set<string>();
  events.forEach((e, i) => {
    const timer = e.timerStartedEventAttributes?.timerId;
    if (timer && i < done) timersBefore.add(timer);
  });
  events.forEach((e, i) => {
    if (i <= seen) return;
    const poll = e.activityTaskScheduledEventAttributes;
    if (poll?.activityType?.name === 'retrieveBot' && firstJson(poll.input) === botId)
      problems.push(`event ${String(e.eventId)}: retrieveBot(${botId}) scheduled after the bot was done`);
    const fired = e.timerFiredEventAttributes?.timerId;
    if (fired && timersBefore.has(fired))
      problems.push(
        `event ${String(e.eventId)}: timer ${fired}, started while ${botId} was followed, fired after it was done`,
      );
  });
  return problems;
}

/** Timers that fired, and polls scheduled, once the room began collecting (its first collectArtifacts). */
export function afterCollectionStarted(events: HistoryEvent[]): string[] {
  const start = events.findIndex(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'collectArtifacts',
  );
  if (start < 0) return [];
  return events.slice(start).flatMap((e) => {
    if (e.timerFiredEventAttributes)
      return [`event ${String(e.eventId)}: timer ${e.timerFiredEventAttributes.timerId} fired during collection`];
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'retrieveBot')
      return [`event ${String(e.eventId)}: retrieveBot scheduled during collection`];
    return [];
  });
}

/** How many activities of `type` (with `arg` as first argument, when given) a run scheduled. */
export function activityCount(events: HistoryEvent[], type: string, arg?: unknown): number {
  return events.filter((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    return a?.activityType?.name === type && (arg === undefined || firstJson(a.input) === arg);
  }).length;
}
