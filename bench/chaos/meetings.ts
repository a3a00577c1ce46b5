/**
 * The meetings of a chaos run: each has a role (recoverable, or the operator disruption it is for),
 * its emulated Zoom meeting and every run of its meeting workflow, and can say what its rooms reported.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { MeetingInput, MeetingResult, RoomResult } from '../../src/contracts';
import { meetingStatusQuery } from '../../src/contracts/messages';
import type { LocalArtifactStore } from '../../src/artifacts/local-store';
import type { EmulatedMeeting } from '../../src/emulator';
import { ANY_OUTCOME, RECOVERABLE, type RoomReport } from '../../test/support/invariants';
import type { Disruption } from './schedule';

export interface MeetingRun {
  runId: string;
  /** Epoch ms. */
  startedAt: number;
  result?: MeetingResult;
  /** How the run closed (COMPLETED, CANCELED, TERMINATED, …), once it did. */
  status?: string;
  /** For a run still open at the end: what it waits on (pending activities and children), for the report. */
  waitingOn?: string;
}

export interface ChaosMeeting {
  key: string;
  workflowId: string;
  role: 'recoverable' | Disruption;
  emulated: EmulatedMeeting;
  input: MeetingInput;
  roomKeys: string[];
  runs: MeetingRun[];
  /** Reports of a run that ended early (a terminated run's rooms), read before a restart overwrites them. */
  earlyReports: RoomReport[];
}

export const roomIdOf = (meeting: ChaosMeeting, roomKey: string) => `${meeting.workflowId}/room/${roomKey}`;

export async function startRun(client: Client, taskQueue: string, meeting: ChaosMeeting): Promise<MeetingRun> {
  const startedAt = Date.now();
  const handle = await client.workflow.start('meetingWorkflow', {
    taskQueue,
    workflowId: meeting.workflowId,
    args: [meeting.input],
  });
  const run: MeetingRun = { runId: handle.firstExecutionRunId, startedAt };
  meeting.runs.push(run);
  return run;
}

/**
 * A workflow's result within `ms`, or undefined. The long poll is aborted at the deadline, so no
 * call outlives the run (and its closed connection).
 */
async function resultWithin<T>(client: Client, workflowId: string, runId: string | undefined, ms: number) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(ms, 0));
  try {
    return {
      value: await client.withAbortSignal(
        abort.signal,
        () => client.workflow.getHandle(workflowId, runId).result() as Promise<T>,
      ),
    };
  } catch {
    // Failed, cancelled, never started, or still running at the deadline: no result, which the
    // invariants report (a false alarm at worst, never a false pass).
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits up to `ms` for a run to close and records its status and result. */
export async function settleRun(client: Client, meeting: ChaosMeeting, run: MeetingRun, ms: number): Promise<void> {
  const settled = await resultWithin<MeetingResult>(client, meeting.workflowId, run.runId, ms);
  if (settled) run.result = settled.value;
  const handle = client.workflow.getHandle(meeting.workflowId, run.runId);
  const { status, raw } = await handle.describe();
  run.status = status.name;
  if (run.status !== 'RUNNING') return;
  const activities = (raw.pendingActivities ?? []).map(
    (a) =>
      `activity ${a.activityType?.name} attempt ${a.attempt}${a.lastFailure?.message ? ` (last failure: ${a.lastFailure.message})` : ''}`,
  );
  const children = (raw.pendingChildren ?? []).map((c) => `child ${c.workflowId}`);
  const state = await client
    .withDeadline(Date.now() + 5000, () => handle.query(meetingStatusQuery))
    .then(
      (q) =>
        `state ${q.state}; rooms without an outcome: ${
          q.rooms
            .filter((r) => r.outcome === null)
            .map((r) => r.key)
            .join(', ') || 'none'
        }`,
      (err: unknown) => `no answer to the status query (${String(err)})`,
    );
  run.waitingOn = [state, ...activities, ...children].join('; ');
}

async function readJson<T>(uri: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(fileURLToPath(uri), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A room workflow's own result (the run chain that follows `runId`), when it completed within `ms`. */
export async function roomResultOf(
  client: Client,
  workflowId: string,
  ms: number,
  runId?: string,
): Promise<RoomResult | undefined> {
  return (await resultWithin<RoomResult>(client, workflowId, runId, ms))?.value;
}

export function roomManifestUri(store: LocalArtifactStore, meeting: ChaosMeeting, roomKey: string): string {
  return store.uriOf({ meetingWorkflowId: meeting.workflowId, roomKey, name: 'room.json' });
}

/** The room manifest (room.json) as it is on disk now. */
export const readRoomManifest = (store: LocalArtifactStore, meeting: ChaosMeeting, roomKey: string) =>
  readJson<RoomResult>(roomManifestUri(store, meeting, roomKey));

/**
 * What every room of the meeting's last run reported: from the meeting's result and its manifest.json.
 * A cancelled meeting may close without a result; its rooms' own results stand in, and its manifest
 * must still be written. Rooms of a recoverable meeting (or a restarted one's new run, or a reset
 * room's meeting) must end recorded or partial; a cancelled meeting's rooms may be cancelled.
 */
export async function meetingReports(
  client: Client,
  store: LocalArtifactStore,
  meeting: ChaosMeeting,
  ms: number,
): Promise<RoomReport[]> {
  const run = meeting.runs.at(-1)!;
  const manifest = await readJson<MeetingResult>(
    store.uriOf({ meetingWorkflowId: meeting.workflowId, name: 'manifest.json' }),
  );
  const allowed = meeting.role === 'cancel-meeting-mid-start' ? ANY_OUTCOME : RECOVERABLE;
  const reports = await Promise.all(
    meeting.roomKeys.map(async (key): Promise<RoomReport> => {
      const workflowId = roomIdOf(meeting, key);
      const fromMeeting = run.result?.rooms.find((r) => r.workflowId === workflowId);
      const result =
        fromMeeting ?? (run.status === 'COMPLETED' ? undefined : await roomResultOf(client, workflowId, ms));
      return {
        workflowId,
        run: meeting.runs.length > 1 ? `run ${meeting.runs.length} of ${meeting.key}` : meeting.key,
        startedAt: run.startedAt,
        result,
        manifest: manifest?.rooms.find((r) => r.workflowId === workflowId),
        allowed,
      };
    }),
  );
  return [...meeting.earlyReports, ...reports];
}
