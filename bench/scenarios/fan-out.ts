/**
 * Fan-out: one meeting with 100 rooms against Recall's create limit. The ideal is the limit itself
 * (100 creates at N per second take 100/N s); the figures are ratios to it, and 429s seen.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MeetingResult } from '../../src/contracts';
import { round, type ScenarioResult } from '../support/figures';
import { startProcessStack } from '../support/process-stack';
import { benchMeetingSpec, LOAD_POLICY } from '../support/meeting-spec';

export interface FanOutOptions {
  buildDir: string;
  rooms: number;
  createRatePerMinute: number;
}

export async function fanOut(options: FanOutOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const perSecond = options.createRatePerMinute / 60;
  const idealSeconds = options.rooms / perSecond;
  const timeScale = 20;
  const stack = await startProcessStack({
    buildDir: options.buildDir,
    createRatePerMinute: options.createRatePerMinute,
    emulator: { timeScale, rateLimits: { create: options.createRatePerMinute, list: 0, default: 0 } },
  });
  try {
    await stack.startReceiver();
    await stack.startWorker('worker');
    // Long enough that every room records well before the host ends it; ended by hand below.
    const meeting = stack.emulator.createMeeting(benchMeetingSpec(options.rooms, (idealSeconds * 3 + 120) * timeScale));
    const t0 = Date.now();
    const workflowId = await stack.startMeeting(
      { meetingUrl: meeting.url, roomCount: options.rooms, policy: LOAD_POLICY },
      'fan-out',
    );
    const audit = stack.emulator.audit;
    const recordingAt = () => {
      const times = audit
        .bots()
        .map((b) => b.statuses.find((s) => s.code === 'in_call_recording')?.at)
        .filter((at): at is number => at !== undefined);
      return times.length >= options.rooms ? Math.max(...times) : undefined;
    };
    const bound = Date.now() + (idealSeconds * 3 + 120) * 1000;
    while (recordingAt() === undefined && Date.now() < bound) await delay(250);
    const allRecording = recordingAt();
    const bots = audit.bots();
    const lastCreate = Math.max(...bots.map((b) => b.createdAt));
    meeting.end();
    const result = (await stack.client.workflow.getHandle(workflowId).result()) as MeetingResult;
    const creates = audit.requests().filter((r) => r.method === 'POST' && /\/bot\/?$/.test(r.path));
    const createdRatio = (lastCreate - t0) / 1000 / idealSeconds;
    const recordingRatio = allRecording === undefined ? NaN : (allRecording - t0) / 1000 / idealSeconds;
    const tooMany = creates.filter((r) => r.status === 429).length;
    return {
      scenario: 'fan-out',
      seconds: round((Date.now() - started) / 1000, 0),
      parameters: { ...options, idealSeconds, timeScale },
      figures: [
        {
          scenario: 'fan-out',
          name: 'all bots created / ideal',
          value: round(createdRatio),
          unit: 'ratio',
          goal: '<= 1.10',
          met: createdRatio <= 1.1,
          note: `${bots.length} bots in ${round((lastCreate - t0) / 1000, 1)} s; ideal ${round(idealSeconds, 1)} s at ${options.createRatePerMinute}/min`,
        },
        {
          scenario: 'fan-out',
          name: 'all rooms recording / ideal',
          value: round(recordingRatio),
          unit: 'ratio',
          note: 'includes the emulated join (scaled by the time scale)',
        },
        { scenario: 'fan-out', name: '429 responses', value: tooMany, unit: 'count', goal: '0', met: tooMany === 0 },
        {
          scenario: 'fan-out',
          name: 'rooms recorded',
          value: `${result.counts.recorded} of ${options.rooms}`,
          unit: 'rooms',
          met: result.counts.recorded === options.rooms,
        },
      ],
    };
  } finally {
    await stack.close();
  }
}
