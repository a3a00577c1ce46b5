import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codes, createBot, type Harness, harness, meetingSpec, waitFor, waitForEvent, waitForStatus } from './helpers';

void describe('emulator bot faults', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  void it('botFatal fails the next matching bot(s) at the given stage, count-limited', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'admit', admitAfterSeconds: 5 }));
    const stages = ['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording'] as const;
    for (const stage of stages) {
      h.emulator.faults.botFatal({ botName: `victim-${stage}`, count: 1 }, 'zoom_internal_error', stage);
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: `victim-${stage}` });
      const bot = await waitForStatus(h.emulator, body.id, 'fatal');
      const seen = codes(bot);
      assert.equal(seen[seen.length - 1], 'fatal:zoom_internal_error', stage);
      assert.equal(seen[seen.length - 2], stage);
      // count: 1, so the next bot of that name is fine.
      const next = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: `victim-${stage}` });
      await waitForStatus(h.emulator, next.body.id, 'in_call_recording');
    }
    const recorded = h.emulator.audit.bots().find((b) => b.botName === 'victim-in_call_recording')!;
    await waitFor('fatal bot recording finalized', () => recorded.recordings[0]?.artifacts.length === 6);
  });

  void it('botFatal matches on metadata', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.botFatal({ metadata: { roomKey: 'room-2' }, count: 1 }, 'bot_errored', 'joining_call');
    const other = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { roomKey: 'room-1' } });
    const hit = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { roomKey: 'room-2' } });
    assert.deepEqual(codes(await waitForStatus(h.emulator, hit.body.id, 'fatal')), [
      'joining_call',
      'fatal:bot_errored',
    ]);
    await waitForStatus(h.emulator, other.body.id, 'in_call_recording');
  });

  void it('kickBot ends the call from the call or the waiting room, then done', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const inCall = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForStatus(h.emulator, inCall.body.id, 'in_call_recording');
    h.emulator.faults.kickBot(inCall.body.id);
    const kicked = await waitForStatus(h.emulator, inCall.body.id, 'done');
    assert.deepEqual(codes(kicked).slice(-2), ['call_ended:bot_kicked_from_call', 'done']);

    const waiting = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'never_admit' }));
    const w = await createBot(h.emulator, { meeting_url: waiting.url });
    await waitForStatus(h.emulator, w.body.id, 'in_waiting_room');
    h.emulator.faults.kickBot(w.body.id, 'waiting_room');
    const out = await waitForStatus(h.emulator, w.body.id, 'done');
    assert.deepEqual(codes(out), [
      'joining_call',
      'in_waiting_room',
      'call_ended:bot_kicked_from_waiting_room',
      'done',
    ]);
  });

  void it('crashBot goes fatal at once, and what the bot recorded is still delivered', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-1' });
    await waitForEvent(h.sink, body.id, 'bot.breakout_room_entered');
    h.emulator.faults.crashBot(body.id);
    const bot = await waitForStatus(h.emulator, body.id, 'fatal');
    assert.equal(codes(bot).at(-1), 'fatal:bot_errored');
    await waitForEvent(h.sink, body.id, 'recording.done');
    const audit = h.emulator.audit.bot(body.id)!;
    assert.ok(audit.liveUntil !== undefined);
    assert.ok(audit.rooms.every((r) => r.leftAt !== undefined));
    assert.equal(audit.recordings.length, 1);
    assert.ok(audit.recordings[0]!.endedAt !== undefined);

    const other = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForStatus(h.emulator, other.body.id, 'in_call_recording');
    h.emulator.faults.crashBot(other.body.id, 'zoom_connection_failed');
    assert.equal(codes(await waitForStatus(h.emulator, other.body.id, 'fatal')).at(-1), 'fatal:zoom_connection_failed');
  });
});
