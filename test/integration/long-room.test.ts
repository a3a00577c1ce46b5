/**
 * A room that sees far more events than one workflow run should hold (a webhook storm, an all-day
 * workshop) continues as new: every run stays well under Temporal's limits, the room keeps its bot,
 * and the recording is still collected.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { RecallEvent } from '../../src/contracts';
import { endMeetingSignal, recallEventSignal } from '../../src/contracts/messages';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const EVENTS = 20_000;
/** Temporal warns at 10,240 events and terminates a run at 51,200 events or 10,000 signals. */
const RUN_EVENT_BOUND = 10_000;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

test(`a room that receives ${EVENTS} events continues as new, keeps its bot and its recording`, async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 20_000, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
  });
  const roomId = `${handle.workflowId}/room/room-1`;
  const bot = await waitFor('the bot to record', () =>
    stack.emulator.audit
      .bots()
      .find((b) => b.metadata.workflowId === roomId && b.statuses.some((s) => s.code === 'in_call_recording')),
  );

  // Distinct events, as a storm of redeliveries with fresh ids would bring: each one is recorded in
  // history, moves the bot (a later in-call time), and must not end the room's recording.
  const room = stack.temporal.client.workflow.getHandle(roomId);
  const start = Date.now();
  const event = (i: number): RecallEvent => ({
    eventId: `storm-${i}`,
    event: 'bot.in_call_recording',
    botId: bot.id,
    code: 'in_call_recording',
    at: new Date(start + i).toISOString(),
    source: 'webhook',
  });
  // A storm in bursts of 400 webhooks: far above any one room's real rate (the receiver also drops
  // redeliveries of a webhook-id it signalled), and still one run's limits many times over. The pause
  // between bursts is what a real storm has too: a room can hand over only between signals, since
  // Temporal refuses a continue-as-new while new signals wait.
  const BURST = 400;
  for (let i = 0; i < EVENTS; i += BURST) {
    for (let j = 0; j < BURST; j += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => room.signal(recallEventSignal, event(i + j + k))));
    }
    await delay(1000);
  }
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();

  const [roomResult] = result.rooms;
  assert.equal(roomResult?.outcome, 'recorded', roomResult?.reason);
  assert.deepEqual(
    roomResult.bots.map((b) => b.id),
    [bot.id],
    'one bot across every run',
  );
  assert.ok(roomResult.artifacts.some((a) => a.kind === 'video'));
  assert.equal(
    stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomId).length,
    1,
    'no run made a bot of its own',
  );

  const runs: { runId: string; events: number }[] = [];
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${roomId}'` })) {
    const history = await stack.temporal.client.workflow.getHandle(roomId, run.runId).fetchHistory();
    runs.push({ runId: run.runId, events: history.events?.length ?? 0 });
  }
  assert.ok(runs.length >= 3, `continued as new: ${runs.length} runs`);
  for (const run of runs) assert.ok(run.events < RUN_EVENT_BOUND, `run ${run.runId} has ${run.events} events`);
  const total = runs.reduce((sum, r) => sum + r.events, 0);
  assert.ok(total > EVENTS, `every event was recorded somewhere: ${total} events in all`);
  meeting.end();
});
