/**
 * Recurring workshops on Temporal Schedules: every occurrence is a fresh meeting workflow whose ID
 * the server suffixes with the occurrence's time, so room IDs and artifacts never collide.
 */
import {
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type Client,
  type ScheduleDescription,
  type ScheduleExecutionResult,
} from '@temporalio/client';
import { MeetingInputSchema, type MeetingInput } from '../contracts/meeting';
import { WORKFLOW_TASK_TIMEOUT } from '../contracts/task-timeout';
import { addressOf } from './connect';
import { InvalidInputError, toClientError } from './errors';
import { MEETING_WORKFLOW_TYPE, MeetingKeySchema, meetingWorkflowId } from './meeting-key';

/** Recall reserves a bot created more than 10 minutes ahead of its join time, and never answers it with 507. */
export const MIN_SCHEDULED_BOT_LEAD_SECONDS = 600;
export const DEFAULT_LEAD_SECONDS = 900;

export interface WorkshopScheduleOptions {
  scheduleId: string;
  /** Occurrences get meeting keys `<meetingKey>-<occurrence time>`; default: the schedule id. */
  meetingKey?: string;
  /** The meeting input of every occurrence, without `joinAt`/`endBy` (each occurrence has its own time). */
  input: unknown;
  taskQueue: string;
  /** Workshop start times; each occurrence's workflow starts `leadSeconds` before them. */
  weekly?: WeeklyTime[];
  /**
   * Any other calendar or cron times, taken as the times the occurrence's workflow starts: the
   * bots join `leadSeconds` later.
   */
  calendars?: CalendarSpec[];
  cronExpressions?: string[];
  /** IANA time zone the calendar and cron times are in, e.g. `Europe/Berlin`. */
  timeZone: string;
  /**
   * Each occurrence's workflow starts this long before the workshop, and creates its bots then
   * with `join_at` at the workshop's start. Must exceed 10 minutes.
   */
  leadSeconds?: number;
  /** How late after an outage an occurrence is still started; default: the lead (until the workshop begins). */
  catchupWindowSeconds?: number;
  note?: string;
  paused?: boolean;
}

export const DAYS_OF_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
export interface WeeklyTime {
  dayOfWeek: (typeof DAYS_OF_WEEK)[number];
  /** `HH:MM`, 24-hour, in the schedule's time zone. */
  time: string;
}

const WEEK_SECONDS = 7 * 24 * 3600;

/** The calendar entry `leadSeconds` before a weekly workshop time, wrapping into the previous day or week. */
export function weeklyActionCalendar(weekly: WeeklyTime, leadSeconds: number): CalendarSpec {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(weekly.time);
  const day = DAYS_OF_WEEK.indexOf(weekly.dayOfWeek);
  if (!match || day === -1) {
    throw new InvalidInputError('weekly', `"${weekly.dayOfWeek}@${weekly.time}" is not a day and HH:MM time`);
  }
  const at = day * 86400 + Number(match[1]) * 3600 + Number(match[2]) * 60;
  const start = (((at - leadSeconds) % WEEK_SECONDS) + WEEK_SECONDS) % WEEK_SECONDS;
  return {
    dayOfWeek: DAYS_OF_WEEK[Math.floor(start / 86400)],
    hour: Math.floor((start % 86400) / 3600),
    minute: Math.floor((start % 3600) / 60),
    second: start % 60,
    comment: `workshop ${weekly.dayOfWeek} ${weekly.time}, ${leadSeconds} s ahead`,
  };
}

/** Checks the schedule and its meeting input without Temporal: callers can fail fast on bad input. */
export function validateWorkshopSchedule(options: WorkshopScheduleOptions) {
  const key = MeetingKeySchema.safeParse(options.meetingKey ?? options.scheduleId);
  if (!key.success) throw InvalidInputError.fromZod(key.error, options.meetingKey ? 'meetingKey' : 'scheduleId');
  const leadSeconds = options.leadSeconds ?? DEFAULT_LEAD_SECONDS;
  if (!Number.isInteger(leadSeconds) || leadSeconds <= MIN_SCHEDULED_BOT_LEAD_SECONDS) {
    throw new InvalidInputError(
      'leadSeconds',
      `must be a whole number of seconds over ${MIN_SCHEDULED_BOT_LEAD_SECONDS}, so bots are scheduled more than 10 minutes ahead`,
    );
  }
  const catchupWindowSeconds = options.catchupWindowSeconds ?? leadSeconds;
  if (!(catchupWindowSeconds >= 10)) {
    throw new InvalidInputError('catchupWindowSeconds', 'must be at least 10 seconds (the server minimum)');
  }
  const calendars = [
    ...(options.weekly ?? []).map((w) => weeklyActionCalendar(w, leadSeconds)),
    ...(options.calendars ?? []),
  ];
  if (!calendars.length && !options.cronExpressions?.length) {
    throw new InvalidInputError('weekly', 'give at least one weekly time, calendar or cron expression');
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: options.timeZone });
  } catch {
    throw new InvalidInputError('timeZone', `"${options.timeZone}" is not an IANA time zone such as Europe/Berlin`);
  }
  const given = (options.input ?? {}) as Record<string, unknown>;
  for (const field of ['joinAt', 'endBy', 'scheduleLeadSeconds'] as const) {
    if (given[field] !== undefined) {
      throw new InvalidInputError(field, 'a schedule sets each occurrence’s times: leave it out of the input');
    }
  }
  const input = { ...given, scheduleLeadSeconds: leadSeconds };
  const parsed = MeetingInputSchema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);
  return { meetingKey: key.data, calendars, catchupWindowSeconds, input: input as MeetingInput };
}

/**
 * Creates the schedule: overlap SKIP, an explicit catch-up window, and an action that starts
 * `meetingWorkflow` with `scheduleLeadSeconds`, from which each occurrence computes its `joinAt`.
 */
export async function createWorkshopSchedule(client: Client, options: WorkshopScheduleOptions): Promise<string> {
  const { meetingKey, calendars, catchupWindowSeconds, input } = validateWorkshopSchedule(options);
  try {
    const handle = await client.schedule.create({
      scheduleId: options.scheduleId,
      spec: {
        calendars,
        ...(options.cronExpressions ? { cronExpressions: options.cronExpressions } : {}),
        timezone: options.timeZone,
      },
      action: {
        type: 'startWorkflow',
        workflowType: MEETING_WORKFLOW_TYPE,
        workflowId: meetingWorkflowId(meetingKey),
        taskQueue: options.taskQueue,
        args: [input],
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
        staticSummary: `Workshop **${input.title ?? meetingKey}** (schedule \`${options.scheduleId}\`)`,
      },
      policies: {
        // Never two occurrences at once: they would put two bots in every breakout room.
        overlap: ScheduleOverlapPolicy.SKIP,
        catchupWindow: catchupWindowSeconds * 1000,
      },
      state: { paused: options.paused ?? false, ...(options.note ? { note: options.note } : {}) },
    });
    return handle.scheduleId;
  } catch (error) {
    throw toClientError(error, { address: addressOf(client) });
  }
}

export interface ScheduleView {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  nextActionTimes: string[];
  recentRuns: { scheduledAt: string; workflowId: string }[];
}

export interface ScheduleDetails extends ScheduleView {
  workflowType: string;
  timeZone: string | null;
  calendars: unknown[];
  overlap: string;
  catchupWindowSeconds: number;
  runningWorkflowIds: string[];
  actionsTaken: number;
  actionsSkippedOverlap: number;
  actionsMissedCatchupWindow: number;
}

const recentRuns = (results: ScheduleExecutionResult[]) =>
  results.map((r) => ({ scheduledAt: r.scheduledAt.toISOString(), workflowId: r.action.workflow.workflowId }));

async function scheduleCall<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toClientError(error, { address: addressOf(client) });
  }
}

/** Schedules whose action starts meeting workflows. */
export async function listWorkshopSchedules(client: Client): Promise<ScheduleView[]> {
  return scheduleCall(client, async () => {
    const views: ScheduleView[] = [];
    for await (const s of client.schedule.list()) {
      if (s.action?.workflowType !== MEETING_WORKFLOW_TYPE) continue;
      views.push({
        scheduleId: s.scheduleId,
        paused: s.state.paused,
        note: s.state.note ?? null,
        nextActionTimes: s.info.nextActionTimes.map((t) => t.toISOString()),
        recentRuns: recentRuns(s.info.recentActions),
      });
    }
    return views;
  });
}

export async function describeWorkshopSchedule(client: Client, scheduleId: string): Promise<ScheduleDetails> {
  return scheduleCall(client, async () => {
    const d: ScheduleDescription = await client.schedule.getHandle(scheduleId).describe();
    return {
      scheduleId: d.scheduleId,
      workflowType: d.action.workflowType,
      paused: d.state.paused,
      note: d.state.note ?? null,
      timeZone: d.spec.timezone ?? null,
      // The server stores cron expressions as calendars too.
      calendars: d.spec.calendars ?? [],
      overlap: d.policies.overlap ?? ScheduleOverlapPolicy.SKIP,
      catchupWindowSeconds: d.policies.catchupWindow / 1000,
      nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
      recentRuns: recentRuns(d.info.recentActions),
      runningWorkflowIds: d.info.runningActions.map((a) => a.workflow.workflowId),
      actionsTaken: d.info.numActionsTaken,
      actionsSkippedOverlap: d.info.numActionsSkippedOverlap,
      actionsMissedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    };
  });
}

export async function pauseWorkshopSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  await scheduleCall(client, () => client.schedule.getHandle(scheduleId).pause(note));
}

export async function unpauseWorkshopSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  await scheduleCall(client, () => client.schedule.getHandle(scheduleId).unpause(note));
}

/**
 * Runs an occurrence now. The overlap policy is explicit because the SDK's `trigger()` without
 * one sends ALLOW_ALL, not the schedule's SKIP: pass SKIP to never run two occurrences at once.
 */
export async function triggerWorkshopSchedule(
  client: Client,
  scheduleId: string,
  overlap: ScheduleOverlapPolicy,
): Promise<void> {
  await scheduleCall(client, () => client.schedule.getHandle(scheduleId).trigger(overlap));
}

/** Deletes the schedule; meetings it already started keep running. */
export async function deleteWorkshopSchedule(client: Client, scheduleId: string): Promise<void> {
  await scheduleCall(client, () => client.schedule.getHandle(scheduleId).delete());
}
