/**
 * Start and steer meetings by meeting key. Every helper validates with the zod contracts before
 * calling Temporal, and turns Temporal's errors into the typed errors of `./errors`.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import {
  MeetingInputSchema,
  RoomSpecSchema,
  type MeetingInput,
  type MeetingResult,
  type RoomSpec,
} from '../contracts/meeting';
import {
  addRoomUpdate,
  closeRoomSignal,
  endMeetingSignal,
  meetingStatusQuery,
  roomStatusQuery,
} from '../contracts/messages';
import { MeetingKeySA, MeetingWorkflowIdSA } from '../contracts/search-attributes';
import type { MeetingCoverage } from '../contracts/coverage';
import type { MeetingStatus, RoomStatus } from '../contracts/status';
import { WORKFLOW_TASK_TIMEOUT } from '../contracts/task-timeout';
import { call, parseMeetingKey } from './client-call';
import { InvalidInputError } from './errors';
import { MEETING_WORKFLOW_TYPE, meetingWorkflowId } from './meeting-key';

/** The meeting workflow's signature, so handles are typed without importing workflow code. */
export type MeetingWorkflow = (input: MeetingInput) => Promise<MeetingResult>;

export interface StartOptions {
  meetingKey: string;
  taskQueue: string;
}

export interface StartedMeeting {
  meetingKey: string;
  workflowId: string;
  runId: string;
  /** False when a meeting with this key already existed (running or closed): nothing new was started. */
  created: boolean;
}

/**
 * Starts the meeting workflow `meeting/<meetingKey>`, idempotent on the key: while that meeting
 * runs, and after it closed, a second start returns the existing run instead of recording twice.
 */
/** Checks what `startMeeting` would send, without Temporal: callers can fail fast on bad input. */
export function validateStart(input: unknown, meetingKey: string): { meetingKey: string; input: MeetingInput } {
  const key = parseMeetingKey(meetingKey);
  const parsed = MeetingInputSchema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);
  // The input goes out as given (plain JSON); the workflow applies the defaults itself.
  return { meetingKey: key, input: input as MeetingInput };
}

export async function startMeeting(client: Client, input: unknown, options: StartOptions): Promise<StartedMeeting> {
  const { meetingKey, input: valid } = validateStart(input, options.meetingKey);
  const workflowId = meetingWorkflowId(meetingKey);
  return call(client, meetingKey, async () => {
    try {
      const handle = await client.workflow.start<MeetingWorkflow>(MEETING_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: options.taskQueue,
        args: [valid],
        // FAIL (not USE_EXISTING) so the caller learns whether this call created the run; a
        // conflict is answered with the existing run below, which is what USE_EXISTING would do.
        workflowIdConflictPolicy: 'FAIL',
        // A closed meeting is not re-recorded by a retried start either.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
        // Set at start too, so the meeting is listed by key before its first workflow task.
        typedSearchAttributes: [
          { key: MeetingKeySA, value: meetingKey },
          { key: MeetingWorkflowIdSA, value: workflowId },
        ],
        staticSummary: `Meeting **${valid.title ?? meetingKey}** (\`${meetingKey}\`)`,
      });
      return { meetingKey, workflowId, runId: handle.firstExecutionRunId, created: true };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const existing = await client.workflow.getHandle(workflowId).describe();
      return { meetingKey, workflowId, runId: existing.runId, created: false };
    }
  });
}

export interface RoomView {
  key: string;
  name: string;
  workflowId: string;
  outcome: MeetingStatus['rooms'][number]['outcome'];
  reason: string | null;
  /** The room workflow's `status` query; null when it could not answer (not started yet). */
  status: RoomStatus | null;
}

export interface MeetingView {
  meetingKey: string;
  workflowId: string;
  runId: string;
  execution: WorkflowExecutionStatusName;
  /** The meeting workflow's own phase; null when it failed before it could answer (bad input). */
  state: MeetingStatus['state'] | null;
  title?: string;
  rooms: RoomView[];
  /** The coverage report of the meeting's result, once it completed (see MeetingResult.coverage). */
  coverage?: MeetingCoverage;
}

/** The meeting's `status` query and each room's, in parallel. */
export async function getMeetingStatus(client: Client, meetingKey: string): Promise<MeetingView> {
  const key = parseMeetingKey(meetingKey);
  return call(client, key, async () => {
    const handle = client.workflow.getHandle(meetingWorkflowId(key));
    const description = await handle.describe();
    const execution = description.status.name;
    let status: MeetingStatus | null = null;
    try {
      status = await handle.query(meetingStatusQuery);
    } catch (error) {
      // A meeting that failed on its input never registered the query; a running one always has.
      if (execution === 'RUNNING') throw error;
    }
    const rooms = await Promise.all(
      (status?.rooms ?? []).map(async (room) => ({
        ...room,
        status: await client.workflow
          .getHandle(room.workflowId)
          .query(roomStatusQuery)
          .catch(() => null),
      })),
    );
    // The report is part of the result: a completed meeting's result is read back, not recomputed.
    const coverage =
      execution === 'COMPLETED'
        ? ((await client.workflow.getHandle<MeetingWorkflow>(description.workflowId, description.runId).result())
            .coverage ?? undefined)
        : undefined;
    return {
      meetingKey: key,
      workflowId: description.workflowId,
      runId: description.runId,
      execution,
      state: status?.state ?? null,
      ...(status?.title ? { title: status.title } : {}),
      rooms,
      ...(coverage ? { coverage } : {}),
    };
  });
}

export function validateRoom(room: unknown): RoomSpec {
  const parsed = RoomSpecSchema.safeParse(room);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error, 'room');
  return parsed.data;
}

/** Adds a room to a running meeting; returns the new room workflow's ID. */
export async function addRoom(client: Client, meetingKey: string, room: unknown): Promise<string> {
  const key = parseMeetingKey(meetingKey);
  const spec = validateRoom(room);
  return call(client, key, () =>
    client.workflow.getHandle(meetingWorkflowId(key)).executeUpdate(addRoomUpdate, { args: [spec] }),
  );
}

/** Asks one room's bot to leave; the room then collects what it recorded. */
export async function closeRoom(client: Client, meetingKey: string, roomKey: string, reason?: string): Promise<void> {
  const key = parseMeetingKey(meetingKey);
  await call(client, key, () =>
    client.workflow
      .getHandle(meetingWorkflowId(key))
      .signal(closeRoomSignal, { key: roomKey, ...(reason ? { reason } : {}) }),
  );
}

/** Ends the meeting: every bot leaves, every room collects, and the meeting reports. */
export async function endMeeting(client: Client, meetingKey: string, reason?: string): Promise<void> {
  const key = parseMeetingKey(meetingKey);
  await call(client, key, () =>
    client.workflow.getHandle(meetingWorkflowId(key)).signal(endMeetingSignal, reason ? { reason } : undefined),
  );
}
