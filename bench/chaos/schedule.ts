/**
 * The chaos schedule: which fault strikes when, drawn from a seed, so a failing run can be replayed
 * exactly (process timing still varies; the faults, their targets and their order do not).
 * Every fault here is recoverable: the rooms it touches must still end `recorded` or `partial`.
 * The disruptions (cancel, terminate, reset) are operator actions; they have meetings of their own.
 */
import { Prng } from '../../src/emulator/prng';

/** What a media GET answers, as the emulator's `faults.mediaFault` takes it. */
export type MediaFault =
  | { type: 'status'; status: number }
  | { type: 'reset'; afterBytes?: number }
  | { type: 'stall'; ms: number }
  | { type: 'short_body' }
  | { type: 'expire_after_retrieve' };

export type LeaveFault = { status: number } | { code: 'cannot_command_unstarted_bot' };

export type Disruption = 'cancel-meeting-mid-start' | 'terminate-and-restart' | 'reset-room';

export type ChaosFault =
  | { kind: 'kill-worker'; worker: string; downMs: number }
  | { kind: 'restart-temporal' }
  | { kind: 'kill-temporal'; downMs: number }
  | { kind: 'restart-receiver'; downMs: number }
  | { kind: 'create-errors'; status: 429 | 500 | 502 | 503; count: number }
  | { kind: 'lose-create-response' }
  /** `rooms`: the rooms whose recording bots it may pick from (the seed's `pick` chooses among them). */
  | { kind: 'crash-recording-bot'; pick: number; rooms: string[] }
  /** `room` is a room workflow ID: the fault matches its bots by metadata. */
  | { kind: 'media'; room: string; fault: MediaFault; count: number; file?: 'video' }
  | { kind: 'late-processing'; room: string; seconds: number }
  | { kind: 'late-in-call-webhooks'; room: string }
  /**
   * `rooms`: candidates in the seed's order. The redelivery needs a message to send again, and the
   * webhook drop fault may have eaten a bot's only `in_call_recording`: the run arms it on the first
   * candidate whose live bot's `in_call_recording` was not dropped (see `redelivery.ts`).
   */
  | { kind: 'redeliver-after-done'; rooms: string[] }
  | { kind: 'fail-leave'; room: string; answer: LeaveFault }
  | { kind: Disruption };

export interface ScheduledFault {
  /** Real milliseconds after the meetings started; a fault waits for the one before it. */
  atMs: number;
  fault: ChaosFault;
}

export interface ScheduleOptions {
  seed: number;
  /** Real seconds until the meetings are ended through the product; faults land in its middle part. */
  meetingSeconds: number;
  workerKills: number;
  workers: string[];
  botCrashes: number;
  /** SIGKILLs of the Temporal server (a graceful restart happens in every schedule). */
  temporalKills: number;
  /**
   * Room workflow IDs that bot-matched faults (media, leave, late events) and the bot crash may pick:
   * rooms of the recoverable meetings only, never an operator action's, which ends them early.
   */
  rooms: string[];
  mediaFaults: boolean;
  /** Let one seed in four stall a download past the client's 30 s idle deadline (adds that long). */
  longStalls: boolean;
  disruptions: Disruption[];
}

export function chaosSchedule(options: ScheduleOptions): ScheduledFault[] {
  const prng = new Prng(options.seed);
  const span = options.meetingSeconds * 1000;
  // Faults hit while bots join and record, and leave the last fifth for the meetings to end normally.
  const at = () => Math.round(span * (0.15 + 0.6 * prng.next()));
  const room = () => options.rooms[prng.int(options.rooms.length)]!;
  const shuffled = (rooms: string[]) => {
    const out = [...rooms];
    for (let i = out.length - 1; i > 0; i--) {
      const j = prng.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  // Webhook and leave faults get a room of their own while rooms last: on a shared room one fault can
  // hide another (held in-call webhooks are the redelivery's message, sent only after done).
  const free = shuffled(options.rooms);
  const ownRoom = () => free.shift() ?? room();
  const lateInCall = ownRoom();
  const redeliverFirst = ownRoom();
  const leave5xx = ownRoom();
  const leaveUnstarted = ownRoom();
  // The redelivery falls back to rooms without another webhook or leave fault first, then to the
  // leave rooms; never to the late in-call room (its message exists only after done, too late to arm).
  const redeliverRooms = [...new Set([redeliverFirst, ...free, ...shuffled([leave5xx, leaveUnstarted])])].filter(
    (r) => r !== lateInCall || options.rooms.length === 1,
  );
  // The crash picks among rooms that carry no webhook or leave fault (the rooms left), while there are any.
  const crashRooms = free.length > 0 ? [...free] : [...options.rooms];
  const faults: ScheduledFault[] = [
    // The first creates meet a 429 burst, a 5xx burst and a create whose response is lost.
    { atMs: 0, fault: { kind: 'create-errors', status: 429, count: 2 + prng.int(3) } },
    { atMs: 0, fault: { kind: 'lose-create-response' } },
    { atMs: 0, fault: { kind: 'create-errors', status: ([500, 502, 503] as const)[prng.int(3)]!, count: 2 } },
    // Bot-matched faults are armed before the bots exist, so they meet the bots' media and leaves.
    { atMs: 0, fault: { kind: 'late-in-call-webhooks', room: lateInCall } },
    { atMs: 0, fault: { kind: 'redeliver-after-done', rooms: redeliverRooms } },
    {
      atMs: 0,
      fault: { kind: 'fail-leave', room: leave5xx, answer: { status: ([500, 502, 503] as const)[prng.int(3)]! } },
    },
    { atMs: 0, fault: { kind: 'fail-leave', room: leaveUnstarted, answer: { code: 'cannot_command_unstarted_bot' } } },
    { atMs: at(), fault: { kind: 'restart-temporal' } },
    { atMs: at(), fault: { kind: 'restart-receiver', downMs: 1000 + prng.int(4000) } },
  ];
  if (options.mediaFaults) {
    // S3 under load: SlowDown once per file of one room; a reset mid-body; a stream that stalls (with
    // longStalls, in one seed of four, a video stalls past the client's 30 s idle deadline); a body
    // cut short; a URL that expired between the retrieve and the download.
    // Each one-shot fault gets a room of its own while there are rooms enough: stacked on one room's
    // files, one fault's retry would be the GET another waits for, and that one would never strike.
    const unused = [...options.rooms];
    const mediaRoom = () => (unused.length > 0 ? unused.splice(prng.int(unused.length), 1)[0]! : room());
    const long = prng.int(4) === 0 && options.longStalls;
    faults.push(
      { atMs: 0, fault: { kind: 'media', room: mediaRoom(), fault: { type: 'status', status: 503 }, count: 1 } },
      { atMs: 0, fault: { kind: 'media', room: mediaRoom(), fault: { type: 'reset', afterBytes: 64 }, count: 1 } },
      {
        atMs: 0,
        fault: long
          ? { kind: 'media', room: mediaRoom(), fault: { type: 'stall', ms: 35_000 }, count: 1, file: 'video' }
          : { kind: 'media', room: mediaRoom(), fault: { type: 'stall', ms: 3000 + prng.int(4000) }, count: 1 },
      },
      { atMs: 0, fault: { kind: 'media', room: mediaRoom(), fault: { type: 'short_body' }, count: 1 } },
      { atMs: 0, fault: { kind: 'media', room: mediaRoom(), fault: { type: 'expire_after_retrieve' }, count: 1 } },
      { atMs: 0, fault: { kind: 'late-processing', room: room(), seconds: 3 + prng.int(6) } },
    );
  }
  for (let i = 0; i < options.temporalKills; i++)
    faults.push({ atMs: at(), fault: { kind: 'kill-temporal', downMs: 500 + prng.int(2500) } });
  for (let i = 0; i < options.workerKills; i++) {
    const worker = options.workers[prng.int(options.workers.length)]!;
    faults.push({ atMs: at(), fault: { kind: 'kill-worker', worker, downMs: 500 + prng.int(2500) } });
  }
  for (let i = 0; i < options.botCrashes; i++) {
    const atMs = at();
    faults.push({ atMs, fault: { kind: 'crash-recording-bot', pick: prng.int(1_000_000), rooms: crashRooms } });
    // The replacement's create meets a 5xx burst and a lost response too.
    faults.push({ atMs, fault: { kind: 'create-errors', status: 503, count: 1 } });
    faults.push({ atMs, fault: { kind: 'lose-create-response' } });
  }
  // The cancel strikes while its meeting's bots are being created; the others once bots record, the
  // terminate before the reset (whose expiry of every idempotency key would hide a replayed bot).
  const operatorAt = Math.round(span * (0.3 + 0.2 * prng.next()));
  for (const kind of options.disruptions)
    faults.push({
      atMs: kind === 'cancel-meeting-mid-start' ? 0 : operatorAt + (kind === 'reset-room' ? 1 : 0),
      fault: { kind },
    });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(fault: ChaosFault): string {
  switch (fault.kind) {
    case 'kill-worker':
      return `SIGKILL worker ${fault.worker}, restart after ${fault.downMs} ms`;
    case 'restart-temporal':
      return 'restart the Temporal dev server gracefully (same port and SQLite file)';
    case 'kill-temporal':
      return `SIGKILL the Temporal dev server, restart after ${fault.downMs} ms (same port and SQLite file)`;
    case 'restart-receiver':
      return `SIGKILL the webhook receiver, restart after ${fault.downMs} ms`;
    case 'create-errors':
      return `next ${fault.count} creates answer ${fault.status}`;
    case 'lose-create-response':
      return 'next create succeeds but its response is lost';
    case 'crash-recording-bot':
      return `a recording bot of ${fault.rooms.join(', ')} goes fatal (bot_errored)`;
    case 'media':
      return `media of ${fault.room}: the first ${fault.count} GET(s) of ${fault.file ? `its ${fault.file} files` : 'each file'} ${describeMediaFault(fault.fault)}`;
    case 'late-processing':
      return `media of ${fault.room} stays processing ${fault.seconds} s after done`;
    case 'late-in-call-webhooks':
      return `in-call webhooks of ${fault.room} arrive after call_ended`;
    case 'redeliver-after-done':
      return `an old in_call_recording webhook is redelivered after done, in the first of ${fault.rooms.join(', ')} whose bot's was delivered`;
    case 'fail-leave':
      return `leave_call of ${fault.room} answers ${'status' in fault.answer ? fault.answer.status : fault.answer.code}`;
    case 'cancel-meeting-mid-start':
      return 'cancel a meeting while its bots are being created';
    case 'terminate-and-restart':
      return 'terminate a meeting, then start it again under a new run';
    case 'reset-room':
      return "reset a room workflow to before its bot was created, after Recall's idempotency hour passed";
  }
}

function describeMediaFault(fault: MediaFault): string {
  switch (fault.type) {
    case 'status':
      return `answer ${fault.status}`;
    case 'reset':
      return `reset after ${fault.afterBytes ?? 'half their'} bytes`;
    case 'stall':
      return `stall ${fault.ms} ms`;
    case 'short_body':
      return 'end short of their content-length';
    case 'expire_after_retrieve':
      return 'meet an expired URL';
  }
}
