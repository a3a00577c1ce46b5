/**
 * One meeting: validates its input, starts one room workflow per breakout room, steers them
 * (add, close, end), waits for every room without letting one room fail the meeting, and writes
 * the manifest.
 *
 * Unlike its rooms, the meeting never continues as new. Its history grows with its rooms (and with
 * operators' signals), not with time or webhooks: about 20 events a room (start, result, stop
 * signal, progress), so at most ~2,000 for `MAX_ROOMS`, far from Temporal's limits. And a hand-over
 * would end the run that is the rooms' parent: Temporal applies the parent close policy on
 * continue-as-new too (temporalio/temporal#373), so every room would be cancelled, i.e. stopped, and
 * a later terminate of the new run would no longer reach the rooms at all.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { failureMessage } from './failures';
import type { MeetingInput, MeetingResult, PlannedRoom, RoomOutcome, RoomResult } from '../src/contracts';
import { MAX_ROOMS, recordingNoticeText, ROOM_OUTCOMES } from '../src/contracts/meeting-constants';
import { WORKFLOW_TASK_TIMEOUT } from '../src/contracts/task-timeout';
import {
  MeetingKeySA,
  MeetingWorkflowIdSA,
  RoomKeySA,
  RoomsFailedSA,
  RoomsRecordedSA,
  RoomsTotalSA,
  ScheduledStartTimeSA,
} from '../src/contracts/search-attributes';
import {
  addRoomUpdate,
  closeRoomSignal,
  endMeetingSignal,
  leaveSignal,
  meetingStatusQuery,
  reportToMeetingSignal,
  roomFinishedSignal,
} from '../src/contracts/messages';
import {
  INVALID_INPUT,
  meetingKeyOf,
  parseMeetingInput,
  parseRoomSpec,
  planRoom,
  planRooms,
  resolvePolicy,
  resolveTranscript,
} from './plan';
import { MeetingFollowUps } from './meeting-follow-ups';
import { roomWorkflow } from './room-workflow';
import { meetingWorkflow as meetingWorkflowV1 } from './v1/meeting-workflow';
import { reportMeeting } from './meeting-record-step';
import type { MeetingStatus } from '../src/contracts/status';

const manifestCalls = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** Once the store has failed a few times (full disk, outage): retried until the manifest lands. */
const durableManifestCalls = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export function roomWorkflowId(meetingWorkflowId: string, roomKey: string): string {
  return `${meetingWorkflowId}/room/${roomKey}`;
}

interface RoomEntry {
  room: PlannedRoom;
  workflowId: string;
  started?: boolean;
  handle?: ChildWorkflowHandle<typeof roomWorkflow>;
  /** Already running when this run started it (a reset meeting): it reports by signal, not as a child. */
  attached?: boolean;
  /** Why the room was told to stop; kept so a room still starting gets the word once it runs. */
  stopReason?: string;
  result?: RoomResult;
}

/**
 * Meetings that release 0.1.0 started carry no marker of this patch: they replay and finish on its
 * code. Every meeting started since runs today's. See docs/deploying.md.
 */
export const MEETING_RELEASE_0_2 = 'meeting-release-0.2';

export async function meetingWorkflow(rawInput: MeetingInput): Promise<MeetingResult> {
  if (!patched(MEETING_RELEASE_0_2)) return meetingWorkflowV1(rawInput);
  const info = workflowInfo();
  const parsed = parseMeetingInput(rawInput);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid meeting input: ${parsed.message}`, INVALID_INPUT);
  const input = parsed.value;
  const policy = resolvePolicy(input);
  const transcript = resolveTranscript(input);
  const prefix = input.botNamePrefix ?? 'BreakoutBot';
  const joinAt = resolveJoinAt(input.joinAt, input.scheduleLeadSeconds);
  const rooms: RoomEntry[] = planRooms(input).map((room) => ({
    room,
    workflowId: roomWorkflowId(info.workflowId, room.key),
  }));
  const recordingNotice = recordingNoticeText(input);
  const followUps = new MeetingFollowUps(info.workflowId, input);
  let phase: MeetingStatus['state'] = 'running';
  let starting = 0;

  const counts = (): Record<RoomOutcome, number> => {
    const c = Object.fromEntries(ROOM_OUTCOMES.map((o) => [o, 0])) as Record<RoomOutcome, number>;
    for (const entry of rooms) if (entry.result) c[entry.result.outcome]++;
    return c;
  };

  function publishProgress(): void {
    const c = counts();
    upsertSearchAttributes([
      { key: RoomsTotalSA, value: rooms.length },
      { key: RoomsRecordedSA, value: c.recorded + c.partial },
      { key: RoomsFailedSA, value: c.failed },
    ]);
    const finished = rooms.filter((r) => r.result).length;
    setCurrentDetails(
      `${phase}: ${finished}/${rooms.length} rooms finished · ${c.recorded} recorded, ${c.partial} partial, ${c.failed} failed`,
    );
  }

  async function startRoom(entry: RoomEntry): Promise<void> {
    // An addRoom update can run in the very first activation, before the initial rooms are started.
    if (entry.started) return;
    entry.started = true;
    starting++;
    try {
      entry.handle = await startChild(roomWorkflow, {
        workflowId: entry.workflowId,
        args: [
          {
            meetingWorkflowId: info.workflowId,
            meetingUrl: input.meetingUrl,
            room: entry.room,
            ...(input.title ? { title: input.title } : {}),
            ...(joinAt ? { joinAt } : {}),
            ...(input.endBy ? { endBy: input.endBy } : {}),
            transcript,
            policy,
            metadata: input.metadata ?? {},
            ...(recordingNotice ? { recordingNotice } : {}),
          },
        ],
        // Terminating or cancelling the meeting makes its rooms stop, and they still collect.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
        staticSummary: `Room **${entry.room.name}** (\`${entry.room.key}\`) of ${input.title ?? meetingKeyOf(info.workflowId)}`,
        typedSearchAttributes: [
          { key: MeetingKeySA, value: meetingKeyOf(info.workflowId) },
          { key: MeetingWorkflowIdSA, value: info.workflowId },
          { key: RoomKeySA, value: entry.room.key },
        ],
      });
      if (entry.stopReason) void signalRoom(entry, entry.stopReason);
      entry.result = await entry.handle.result();
      followUps.roomCompleted(entry.room.key);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) await attach(entry);
      // One room's failure never fails the meeting: it is reported as that room's outcome.
      else entry.result = failedRoom(entry, err);
    } finally {
      starting--;
      publishProgress();
    }
  }

  function failedRoom(entry: RoomEntry, err: unknown): RoomResult {
    const cause = err instanceof ChildWorkflowFailure && err.cause ? err.cause : err;
    log.error('room workflow failed', { roomKey: entry.room.key, error: String(cause) });
    return {
      key: entry.room.key,
      name: entry.room.name,
      workflowId: entry.workflowId,
      outcome: 'failed',
      reason: `room workflow failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      bots: [],
      artifacts: [],
      missing: [],
      gaps: [],
      timeline: [],
      recordingNotices: [],
    };
  }

  /**
   * The room runs already: this run of the meeting is a reset one (its first run started the room).
   * Starting it again would mean a second bot in the room, so the meeting follows the running room
   * instead and takes its result by signal.
   */
  async function attach(entry: RoomEntry): Promise<void> {
    entry.attached = true;
    log.warn('room already running; attaching to it', { roomKey: entry.room.key });
    try {
      await getExternalWorkflowHandle(entry.workflowId).signal(reportToMeetingSignal);
    } catch (err) {
      entry.result = failedRoom(entry, new Error(`room closed before this run could attach: ${failureMessage(err)}`));
      return;
    }
    if (entry.stopReason) await signalRoom(entry, entry.stopReason);
    await condition(() => entry.result !== undefined);
  }

  async function signalRoom(entry: RoomEntry, reason: string): Promise<void> {
    entry.stopReason ??= reason;
    if (entry.result) return;
    const room = entry.handle ?? (entry.attached ? getExternalWorkflowHandle(entry.workflowId) : undefined);
    if (!room) return;
    try {
      // Non-cancellable: after the meeting was cancelled, its (cancelled) root scope would refuse to signal.
      await CancellationScope.nonCancellable(() => room.signal(leaveSignal, { reason: entry.stopReason }));
    } catch (err) {
      log.warn('could not signal room to leave', { roomKey: entry.room.key, error: String(err) });
    }
  }

  setHandler(roomFinishedSignal, (result) => {
    const entry = rooms.find((r) => r.workflowId === result.workflowId);
    if (!entry?.attached || entry.result) return;
    entry.result = result;
    followUps.roomCompleted(entry.room.key);
  });

  setHandler(meetingStatusQuery, () => ({
    state: phase,
    ...(input.title ? { title: input.title } : {}),
    rooms: rooms.map((r) => ({
      key: r.room.key,
      name: r.room.name,
      workflowId: r.workflowId,
      outcome: r.result?.outcome ?? null,
      reason: r.result?.reason ?? null,
    })),
  }));

  setHandler(
    addRoomUpdate,
    (spec) => {
      const entry: RoomEntry = {
        room: planRoom(spec, rooms.length, prefix),
        workflowId: roomWorkflowId(info.workflowId, spec.key),
      };
      rooms.push(entry);
      publishProgress();
      void startRoom(entry);
      return Promise.resolve(entry.workflowId);
    },
    {
      validator: (spec) => {
        const parsed = parseRoomSpec(spec);
        if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid room: ${parsed.message}`, INVALID_INPUT);
        if (phase !== 'running')
          throw ApplicationFailure.nonRetryable(`meeting is ${phase}: no rooms can be added`, 'MeetingEnding');
        const { key } = parsed.value;
        if (rooms.some((r) => r.room.key === key)) {
          throw ApplicationFailure.nonRetryable(`room key "${key}" already exists`, 'DuplicateRoom');
        }
        if (rooms.length >= MAX_ROOMS)
          throw ApplicationFailure.nonRetryable(`a meeting has at most ${MAX_ROOMS} rooms`, INVALID_INPUT);
      },
    },
  );

  setHandler(closeRoomSignal, ({ key, reason }) => {
    const entry = rooms.find((r) => r.room.key === key);
    if (!entry) {
      log.warn('closeRoom for an unknown room', { key });
      return;
    }
    void signalRoom(entry, reason ?? 'room closed');
  });

  function endMeeting(reason: string): void {
    if (phase !== 'running') return;
    phase = 'ending';
    publishProgress();
    for (const entry of rooms) void signalRoom(entry, reason);
  }

  setHandler(endMeetingSignal, (request) => endMeeting(request?.reason ?? 'meeting ended'));

  // Cancelling the meeting is ending it: every room stops, leaves and collects, and the meeting still
  // writes its manifest and returns its result. So it runs non-cancellable (its rooms too: they are
  // started in this scope and told to stop by signal), and a cancel request only ends the meeting.
  CancellationScope.current().cancelRequested.catch(() => endMeeting('meeting cancelled'));

  return CancellationScope.nonCancellable(async () => {
    upsertSearchAttributes([
      { key: MeetingKeySA, value: meetingKeyOf(info.workflowId) },
      { key: MeetingWorkflowIdSA, value: info.workflowId },
    ]);
    publishProgress();
    for (const entry of rooms) void startRoom(entry);

    await condition(() => starting === 0 && rooms.every((r) => r.result));
    phase = 'reporting';
    const roomResults = rooms.map((r) => r.result!);
    const report = await reportMeeting(info.workflowId, input.title, roomResults);
    const result = {
      meetingWorkflowId: info.workflowId,
      ...(input.title ? { title: input.title } : {}),
      rooms: roomResults,
      counts: counts(),
      ...report,
    };
    const manifest = { meetingWorkflowId: info.workflowId, result };
    let manifestUri: string;
    try {
      manifestUri = await manifestCalls.writeMeetingManifest(manifest);
    } catch (err) {
      phase = 'storage_unavailable';
      publishProgress();
      log.error('meeting manifest not written yet; retrying until the store is back', { error: failureMessage(err) });
      manifestUri = await durableManifestCalls.writeMeetingManifest(manifest);
    }
    phase = 'done';
    publishProgress();
    await followUps.meetingCompleted();
    await condition(allHandlersFinished);
    return { ...result, manifestUri };
  });
}

/** An explicit joinAt, or the run's scheduled (else actual) start plus the lead. */
function resolveJoinAt(joinAt: string | undefined, leadSeconds: number | undefined): string | undefined {
  if (joinAt !== undefined || leadSeconds === undefined) return joinAt;
  const info = workflowInfo();
  const base = info.typedSearchAttributes.get(ScheduledStartTimeSA) ?? info.startTime;
  return new Date(base.getTime() + leadSeconds * 1000).toISOString();
}
