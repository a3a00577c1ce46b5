/**
 * stuckBeforeCall: a bot that hangs in the lobby or while joining, long past its automatic_leave
 * timeouts, and leaves only when told to (after ignoring the first requests, if so configured).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  control,
  api,
  codes,
  createBot,
  emulatedDelay,
  getBot,
  type Harness,
  harness,
  meetingSpec,
  waitForStatus,
} from './helpers';

/** Well under the emulated wait below, so an honoured timeout would have struck. */
const AUTOMATIC_LEAVE = { waiting_room_timeout: 10, noone_joined_timeout: 10 };

void describe('emulator stuckBeforeCall', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());
  const hits = (botId: string) =>
    h.emulator.audit
      .faultHits()
      .filter((x) => x.botId === botId)
      .map((x) => [x.fault, x.detail]);

  void it('stays in the waiting room past automatic_leave and the meeting end, then leaves when told', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'admit', admitAfterSeconds: 2 }));
    h.emulator.faults.stuckBeforeCall({ metadata: { room: 'r1' }, count: 1 });
    const stuck = await createBot(h.emulator, {
      meeting_url: meeting.url,
      metadata: { room: 'r1' },
      automatic_leave: AUTOMATIC_LEAVE,
    });
    const next = await createBot(h.emulator, {
      meeting_url: meeting.url,
      metadata: { room: 'r1' },
      automatic_leave: AUTOMATIC_LEAVE,
    });
    await waitForStatus(h.emulator, next.body.id, 'in_call_recording');
    await emulatedDelay(h.emulator, 30);
    meeting.end();
    await waitForStatus(h.emulator, next.body.id, 'done');
    await emulatedDelay(h.emulator, 5);
    assert.deepEqual(codes(await getBot(h.emulator, stuck.body.id)), ['joining_call', 'in_waiting_room']);
    assert.deepEqual(hits(stuck.body.id), [['stuck_before_call', 'in_waiting_room']]);
    assert.deepEqual(hits(next.body.id), [], 'count: 1 strikes one bot');

    const left = await api(h.emulator, 'POST', `/api/v1/bot/${stuck.body.id}/leave_call/`);
    assert.equal(left.status, 200);
    const done = await waitForStatus(h.emulator, stuck.body.id, 'done');
    assert.deepEqual(codes(done), ['joining_call', 'in_waiting_room', 'call_ended:bot_received_leave_call', 'done']);
    const audit = h.emulator.audit.bot(stuck.body.id);
    assert.ok(audit?.liveFrom !== undefined && audit.liveUntil !== undefined, 'billed from joining until done');
  });

  void it('hangs in joining_call and accepts the first leave requests without acting on them', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { status } = await control(h.emulator.baseUrl, '/faults/stuck-before-call', {
      match: { botName: 'Hung', count: 1 },
      stuck: { stage: 'joining_call', ignoreLeaves: 2 },
    });
    assert.equal(status, 204);
    const { body } = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'Hung',
      automatic_leave: AUTOMATIC_LEAVE,
    });
    await waitForStatus(h.emulator, body.id, 'joining_call');
    await emulatedDelay(h.emulator, 30);
    for (let i = 0; i < 2; i++) {
      const res = await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`);
      assert.equal(res.status, 200, 'Recall accepts the request');
    }
    await emulatedDelay(h.emulator, 5);
    assert.deepEqual(codes(await getBot(h.emulator, body.id)), ['joining_call']);
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`)).status, 200);
    const done = await waitForStatus(h.emulator, body.id, 'done');
    assert.deepEqual(codes(done), ['joining_call', 'call_ended:bot_received_leave_call', 'done']);
    assert.deepEqual(hits(body.id), [
      ['stuck_before_call', 'joining_call'],
      ['leave_ignored', '1 of 2'],
      ['leave_ignored', '2 of 2'],
    ]);
    meeting.end();
  });

  void it('a leave before the bot hangs is not ignored; a bad request is a 400', async () => {
    // In real time, so the leave surely comes in the 2 s the join takes, however loaded the machine.
    const slow = await harness({ timeScale: 1 });
    try {
      const meeting = slow.emulator.createMeeting(meetingSpec());
      slow.emulator.faults.stuckBeforeCall({ botName: 'Early', count: 1 }, { ignoreLeaves: 5 });
      const { body } = await createBot(slow.emulator, { meeting_url: meeting.url, bot_name: 'Early' });
      await waitForStatus(slow.emulator, body.id, 'joining_call');
      assert.equal((await api(slow.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`)).status, 200);
      const done = await waitForStatus(slow.emulator, body.id, 'done');
      assert.deepEqual(codes(done), ['joining_call', 'call_ended:bot_received_leave_call', 'done']);
      assert.deepEqual(
        slow.emulator.audit.faultHits().filter((x) => x.botId === body.id),
        [],
      );
      const { status: bad } = await control(slow.emulator.baseUrl, '/faults/stuck-before-call', {
        match: {},
        stuck: { stage: 'in_call_recording' },
      });
      assert.equal(bad, 400);
      meeting.end();
    } finally {
      await slow.close();
    }
  });
});
