/**
 * Follows a running demo meeting: polls every room's `status` query into the progress view, and
 * crashes one room's bot once it has recorded for a while, to show the replacement at work.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { roomStatusQuery, type MeetingResult, type RoomState, type RoomStatus } from '../contracts';
import type { Emulator } from '../emulator';
import { roomRow, type ProgressView } from './progress-table';

const POLL_MS = 500;
/** How long the target room records before its bot is crashed, in emulated ms (bot times are emulated). */
const CRASH_AFTER_EMULATED_MS = 4 * 60_000;
const FINAL: RoomState[] = ['recorded', 'partial', 'failed', 'cancelled'];

export interface WatchOptions {
  client: Client;
  emulator: Emulator;
  meetingWorkflowId: string;
  roomKeys: string[];
  /** The room whose bot is crashed mid-recording. */
  crashRoom: string;
  view: ProgressView;
  heading: () => string;
  result: Promise<MeetingResult>;
  signal: AbortSignal;
}

export interface Watched {
  result: MeetingResult;
  /** The room whose bot was crashed, or null if it never recorded long enough. */
  crashed: string | null;
}

async function queryRoom(client: Client, workflowId: string): Promise<RoomStatus | null> {
  try {
    return await client.workflow.getHandle(workflowId).query(roomStatusQuery);
  } catch {
    // Not started yet, or between tasks: shown as `starting` until it answers.
    return null;
  }
}

/** Resolves with the meeting's result, or null when the demo is interrupted. */
export async function watchMeeting(options: WatchOptions): Promise<Watched | null> {
  const { client, emulator, view } = options;
  const statuses = new Map<string, RoomStatus | null>();
  const lastBot = new Map<string, string>();
  let crashed: string | null = null;
  let settled: MeetingResult | undefined;
  let failure: Error | undefined;
  options.result.then(
    (r) => (settled = r),
    (err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))),
  );

  while (!options.signal.aborted) {
    for (const key of options.roomKeys) {
      const known = statuses.get(key);
      if (known && FINAL.includes(known.state)) continue;
      const status = await queryRoom(client, `${options.meetingWorkflowId}/room/${key}`);
      statuses.set(key, status ?? known ?? null);
      if (status?.botId && lastBot.get(key) !== status.botId) {
        if (lastBot.has(key)) view.note(`${key}: replacement bot #${status.attempt} ${status.botId} created`);
        lastBot.set(key, status.botId);
      }
    }

    const target = statuses.get(options.crashRoom);
    if (!crashed && target?.state === 'recording' && target.botId && target.recordingSince) {
      if (emulator.now() - Date.parse(target.recordingSince) >= CRASH_AFTER_EMULATED_MS) {
        emulator.faults.crashBot(target.botId, 'bot_errored');
        crashed = options.crashRoom;
        view.note(`${crashed}: crashing bot ${target.botId} on purpose (fatal bot_errored) mid-recording`);
      }
    }

    view.render(
      options.heading(),
      options.roomKeys.map((key) => roomRow(key, statuses.get(key) ?? null)),
    );
    if (failure) throw failure;
    if (settled) {
      view.done();
      return { result: settled, crashed };
    }
    await delay(POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return null;
}
