/**
 * Cost: what Recall bills (bot-seconds, live from dispatch to done or fatal) against the time each
 * room was open, at real time (time scale 1). Half the rooms close mid-meeting, the host then ends
 * the meeting, and one bot dies mid-recording and is replaced: linger after each room's end, and
 * seconds when two bots of one room were live at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AuditBot } from '../../src/emulator';
import { median, round, type ScenarioResult } from '../support/figures';
import { benchMeetingSpec, FAST_POLICY } from '../support/meeting-spec';
import { startProcessStack } from '../support/process-stack';

export interface CostOptions {
  buildDir: string;
  rooms: number;
  /** Real seconds the meeting lasts; half the rooms close at its middle. */
  meetingSeconds: number;
}

/** Seconds during which two live intervals of one room overlap. */
function duplicateSeconds(bots: AuditBot[]): number {
  const live = bots
    .filter((b) => b.liveFrom !== undefined)
    .map((b) => [b.liveFrom!, b.liveUntil ?? Date.now()] as const)
    .sort((a, b) => a[0] - b[0]);
  let overlap = 0;
  for (let i = 1; i < live.length; i++) overlap += Math.max(0, Math.min(live[i - 1]![1], live[i]![1]) - live[i]![0]);
  return overlap / 1000;
}

export async function cost(options: CostOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const closeAt = Math.round(options.meetingSeconds / 2);
  const closes = (room: number) => (room <= options.rooms / 2 ? closeAt : undefined);
  const stack = await startProcessStack({ buildDir: options.buildDir, emulator: { timeScale: 1 } });
  try {
    await stack.startReceiver();
    await stack.startWorker('worker');
    const meeting = stack.emulator.createMeeting(benchMeetingSpec(options.rooms, options.meetingSeconds, closes));
    const openedAt = Date.now();
    const workflowId = await stack.startMeeting(
      { meetingUrl: meeting.url, roomCount: options.rooms, policy: FAST_POLICY },
      'cost',
    );
    // The last room's bot dies a third of the way in; the room replaces it.
    await delay((options.meetingSeconds / 3) * 1000);
    const victim = stack.emulator.audit.bots().find((b) => b.metadata.roomKey === `room-${options.rooms}`);
    if (victim) stack.emulator.faults.crashBot(victim.id, 'bot_errored');
    await stack.client.workflow.getHandle(workflowId).result();
    const bound = Date.now() + 30_000;
    while (stack.emulator.audit.bots().some((b) => b.liveFrom && !b.liveUntil) && Date.now() < bound) await delay(250);

    const rows = Array.from({ length: options.rooms }, (_, i) => {
      const bots = stack.emulator.audit.bots().filter((b) => b.metadata.roomKey === `room-${i + 1}`);
      const endedAt = openedAt + (closes(i + 1) ?? options.meetingSeconds) * 1000;
      const botSeconds = bots.reduce(
        (s, b) => s + ((b.liveUntil ?? Date.now()) - (b.liveFrom ?? b.createdAt)) / 1000,
        0,
      );
      const lastLive = Math.max(...bots.map((b) => b.liveUntil ?? Date.now()));
      return {
        open: (endedAt - openedAt) / 1000,
        botSeconds,
        linger: (lastLive - endedAt) / 1000,
        duplicate: duplicateSeconds(bots),
      };
    });
    const maxLinger = Math.max(...rows.map((r) => r.linger));
    const duplicate = rows.reduce((s, r) => s + r.duplicate, 0);
    return {
      scenario: 'cost',
      seconds: round((Date.now() - started) / 1000, 0),
      parameters: { ...options, closeAt, timeScale: 1 },
      figures: [
        {
          scenario: 'cost',
          name: 'bot-seconds / room open seconds (median)',
          value: round(median(rows.map((r) => r.botSeconds / r.open))),
          unit: 'ratio',
          note: rows.map((r, i) => `room-${i + 1} ${round(r.botSeconds, 0)}/${round(r.open, 0)} s`).join(', '),
        },
        {
          scenario: 'cost',
          name: 'linger after room end (max)',
          value: round(maxLinger, 1),
          unit: 's',
          goal: '<= 30',
          met: maxLinger <= 30,
          note: `closed rooms: ${rows
            .filter((_, i) => closes(i + 1))
            .map((r) => round(r.linger, 1))
            .join(', ')} s; meeting end: ${rows
            .filter((_, i) => !closes(i + 1))
            .map((r) => round(r.linger, 1))
            .join(', ')} s`,
        },
        {
          scenario: 'cost',
          name: 'duplicate live bot seconds',
          value: round(duplicate, 1),
          unit: 's',
          goal: '0',
          met: duplicate === 0,
        },
      ],
    };
  } finally {
    await stack.close();
  }
}
