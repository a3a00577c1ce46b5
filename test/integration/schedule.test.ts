import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import {
  createWorkshopSchedule,
  deleteWorkshopSchedule,
  describeWorkshopSchedule,
  endMeeting,
  triggerWorkshopSchedule,
  type MeetingWorkflow,
} from '../../src/client';
import type { RoomInput } from '../../src/contracts';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const LEAD_SECONDS = 900;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

/** The input a room workflow was started with, from the first event of its history. */
async function roomInputOf(workflowId: string): Promise<RoomInput> {
  const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  assert.ok(payload, `${workflowId} has a start input`);
  return JSON.parse(Buffer.from(payload).toString('utf8')) as RoomInput;
}

test('a weekly workshop: time zone, SKIP, catch-up window, lead; each trigger is its own meeting', async () => {
  const client = stack.temporal.client;
  const meeting = stack.emulator.createMeeting({ durationSeconds: 7200, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const scheduleId = `workshop-${randomBytes(3).toString('hex')}`;
  await createWorkshopSchedule(client, {
    scheduleId,
    input: { meetingUrl: meeting.url, roomCount: 2, title: 'Weekly workshop', policy: FAST_POLICY },
    taskQueue: stack.taskQueue,
    weekly: [{ dayOfWeek: 'TUESDAY', time: '17:00' }],
    timeZone: 'Europe/Berlin',
    leadSeconds: LEAD_SECONDS,
    catchupWindowSeconds: 600,
  });
  try {
    const described = await describeWorkshopSchedule(client, scheduleId);
    assert.equal(described.overlap, 'SKIP');
    assert.equal(described.catchupWindowSeconds, 600);
    assert.equal(described.timeZone, 'Europe/Berlin');
    // The workflow starts 15 minutes before the workshop: Tuesdays 16:45 in Berlin.
    const next = new Date(described.nextActionTimes[0]!);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    assert.equal(berlin, 'Tue 16:45');

    const runs: { scheduledAt: string; workflowId: string }[] = [];
    for (const n of [1, 2]) {
      if (n === 2) {
        // The server suffixes run IDs with the action time in whole seconds: let the second tick.
        await delay(1100);
      }
      await triggerWorkshopSchedule(client, scheduleId, ScheduleOverlapPolicy.SKIP);
      const run = await waitFor(`occurrence ${n}`, async () => {
        const d = await describeWorkshopSchedule(client, scheduleId);
        return d.recentRuns.length === n && d.recentRuns[n - 1];
      });
      runs.push(run);
      assert.match(run.workflowId, new RegExp(`^meeting/${scheduleId}-\\d{4}-\\d\\d-\\d\\dT`));

      for (const room of ['room-1', 'room-2']) {
        const input = await waitFor(`${run.workflowId} ${room} to start`, () =>
          roomInputOf(`${run.workflowId}/room/${room}`).catch(() => undefined),
        );
        assert.equal(input.meetingWorkflowId, run.workflowId);
        assert.ok(input.joinAt, 'the room got a join time');
        assert.ok(
          Math.abs(Date.parse(input.joinAt) - (Date.parse(run.scheduledAt) + LEAD_SECONDS * 1000)) < 1000,
          `joinAt ${input.joinAt} is the scheduled time ${run.scheduledAt} plus the lead`,
        );
      }

      if (n === 1) {
        // SKIP: triggering while an occurrence runs starts nothing.
        await triggerWorkshopSchedule(client, scheduleId, ScheduleOverlapPolicy.SKIP);
        const skipped = await waitFor('the overlapping trigger to be skipped', async () => {
          const d = await describeWorkshopSchedule(client, scheduleId);
          return d.actionsSkippedOverlap === 1 && d;
        });
        assert.equal(skipped.recentRuns.length, 1);
      }
      // Ending the occurrence lets the next one start; its rooms still report.
      const meetingKey = run.workflowId.slice('meeting/'.length);
      await endMeeting(client, meetingKey, 'test over');
      const result = await client.workflow.getHandle<MeetingWorkflow>(run.workflowId).result();
      assert.deepEqual(
        result.rooms.map((r) => [r.workflowId, r.outcome === 'failed' ? r.reason : 'ok']),
        [
          [`${run.workflowId}/room/room-1`, 'ok'],
          [`${run.workflowId}/room/room-2`, 'ok'],
        ],
      );
    }
    assert.notEqual(runs[0]!.workflowId, runs[1]!.workflowId);
  } finally {
    await deleteWorkshopSchedule(client, scheduleId);
  }
  await assert.rejects(describeWorkshopSchedule(client, scheduleId), { name: 'ScheduleNotFoundError' });
  meeting.end();
});
