/**
 * Release 0.1.0's meeting workflow, kept so that meetings it started replay and finish on the code
 * that started them (see docs/deploying.md). Its commands are 0.1.0's, command for command. Delete
 * with its patch once no 0.1.0 meeting runs.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { MeetingInput, MeetingResult, PlannedRoom, RoomOutcome, RoomResult } from '../../src/contracts';
import { MAX_ROOMS, ROOM_OUTCOMES } from '../../src/contracts/meeting-constants';
import {
  MeetingKeySA,
  MeetingWorkflowIdSA,
  RoomKeySA,
  RoomsFailedSA,
  RoomsRecordedSA,
  RoomsTotalSA,
  ScheduledStartTimeSA,
} from '../../src/contracts/search-attributes';
import {
  addRoomUpdate,
  closeRoomSignal,
  endMeetingSignal,
  leaveSignal,
  meetingStatusQuery,
} from '../../src/contracts/messages';
import {
  INVALID_INPUT,
  meetingKeyOf,
  parseMeetingInput,
  parseRoomSpec,
  planRoom,
  planRooms,
  resolvePolicy,
  resolveTranscript,
} from '../plan';
import { roomWorkflow } from './room-workflow';
import type { MeetingStatus } from '../../src/contracts/status';

const { writeMeetingManifest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export function roomWorkflowId(meetingWorkflowId: string, roomKey: string): string {
  return `${meetingWorkflowId}/room/${roomKey}`;
}

interface RoomEntry {
  room: PlannedRoom;
  workflowId: string;
  started?: boolean;
  handle?: ChildWorkflowHandle<typeof roomWorkflow>;
  /** Why the room was told to stop; kept so a room still starting gets the word once it runs. */
  stopReason?: string;
  result?: RoomResult;
}

export async function meetingWorkflow(rawInput: MeetingInput): Promise<MeetingResult> {
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
          },
        ],
        // Terminating or cancelling the meeting makes its rooms stop, and they still collect.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `Room **${entry.room.name}** (\`${entry.room.key}\`) of ${input.title ?? meetingKeyOf(info.workflowId)}`,
        typedSearchAttributes: [
          { key: MeetingKeySA, value: meetingKeyOf(info.workflowId) },
          { key: MeetingWorkflowIdSA, value: info.workflowId },
          { key: RoomKeySA, value: entry.room.key },
        ],
      });
      if (entry.stopReason) void signalRoom(entry, entry.stopReason);
      entry.result = await entry.handle.result();
    } catch (err) {
      // One room's failure never fails the meeting: it is reported as that room's outcome.
      const cause = err instanceof ChildWorkflowFailure && err.cause ? err.cause : err;
      log.error('room workflow failed', { roomKey: entry.room.key, error: String(cause) });
      entry.result = {
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
    } finally {
      starting--;
      publishProgress();
    }
  }

  async function signalRoom(entry: RoomEntry, reason: string): Promise<void> {
    entry.stopReason ??= reason;
    if (entry.result || !entry.handle) return;
    try {
      await entry.handle.signal(leaveSignal, { reason: entry.stopReason });
    } catch (err) {
      log.warn('could not signal room to leave', { roomKey: entry.room.key, error: String(err) });
    }
  }

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

  setHandler(endMeetingSignal, (request) => {
    if (phase !== 'running') return;
    phase = 'ending';
    publishProgress();
    for (const entry of rooms) void signalRoom(entry, request?.reason ?? 'meeting ended');
  });

  upsertSearchAttributes([
    { key: MeetingKeySA, value: meetingKeyOf(info.workflowId) },
    { key: MeetingWorkflowIdSA, value: info.workflowId },
  ]);
  publishProgress();
  for (const entry of rooms) void startRoom(entry);

  await condition(() => starting === 0 && rooms.every((r) => r.result));
  phase = 'reporting';
  const result = {
    meetingWorkflowId: info.workflowId,
    ...(input.title ? { title: input.title } : {}),
    rooms: rooms.map((r) => r.result!),
    counts: counts(),
  };
  const manifestUri = await writeMeetingManifest({ meetingWorkflowId: info.workflowId, result });
  phase = 'done';
  publishProgress();
  await condition(allHandlersFinished);
  return { ...result, manifestUri };
}

/** An explicit joinAt, or the run's scheduled (else actual) start plus the lead. */
function resolveJoinAt(joinAt: string | undefined, leadSeconds: number | undefined): string | undefined {
  if (joinAt !== undefined || leadSeconds === undefined) return joinAt;
  const info = workflowInfo();
  const base = info.typedSearchAttributes.get(ScheduledStartTimeSA) ?? info.startTime;
  return new Date(base.getTime() + leadSeconds * 1000).toISOString();
}
