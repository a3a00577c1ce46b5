import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  api,
  codes,
  createBot,
  getBot,
  type Harness,
  harness,
  meetingSpec,
  waitFor,
  waitForEvent,
  waitForStatus,
} from './helpers';

void describe('emulator bot lifecycle', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  void it('creates a bot (201, empty status_changes) and drives it to done when the host ends the meeting', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const res = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'Notetaker', metadata: { k: 'v' } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.status_changes, []);
    assert.deepEqual(res.body.recordings, []);
    assert.deepEqual(res.body.meeting_url, { meeting_id: meeting.id, meeting_password: null, platform: 'zoom' });
    assert.deepEqual(res.body.metadata, { k: 'v' });

    await waitForStatus(h.emulator, res.body.id, 'in_call_recording');
    meeting.end();
    const bot = await waitForStatus(h.emulator, res.body.id, 'done');
    assert.deepEqual(codes(bot), [
      'joining_call',
      'in_call_not_recording',
      'in_call_recording',
      'call_ended:call_ended_by_host',
      'done',
    ]);
    for (const change of bot.status_changes) {
      assert.match(change.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.equal(change.message, null);
    }
    const times = bot.status_changes.map((s) => Date.parse(s.created_at));
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
    );

    await waitForEvent(h.sink, bot.id, 'recording.done');
    const ended = h.sink.forBot(bot.id).find((w) => w.event === 'bot.call_ended')!;
    assert.deepEqual(Object.keys(ended.data).sort(), ['bot', 'data']);
    assert.equal(ended.data.data.code, 'call_ended');
    assert.equal(ended.data.data.sub_code, 'call_ended_by_host');
    assert.deepEqual(ended.data.bot, { id: bot.id, metadata: { k: 'v' } });

    const audit = h.emulator.audit.bot(bot.id)!;
    assert.equal(audit.botName, 'Notetaker');
    assert.equal(audit.meetingId, meeting.id);
    assert.ok(audit.liveFrom !== undefined && audit.liveUntil !== undefined && audit.liveUntil >= audit.liveFrom);
    assert.deepEqual(
      audit.statuses.map((s) => s.code),
      bot.status_changes.map((s) => s.code),
    );
  });

  void it('has the host end the meeting at durationSeconds', async () => {
    // A fast clock: 3000 emulated seconds pass in 3 real ones, long enough for a loaded machine to create the bot.
    const fast = await harness({ timeScale: 1000 });
    try {
      const meeting = fast.emulator.createMeeting(meetingSpec({ durationSeconds: 3000 }));
      const { body } = await createBot(fast.emulator, { meeting_url: meeting.url });
      const bot = await waitForStatus(fast.emulator, body.id, 'done');
      assert.deepEqual(codes(bot).slice(-2), ['call_ended:call_ended_by_host', 'done']);
      const ended = Date.parse(bot.status_changes.at(-2)!.created_at);
      const joined = Date.parse(bot.status_changes[0]!.created_at);
      assert.ok(ended - joined < 3_000_000);
      const late = await createBot(fast.emulator, { meeting_url: meeting.url });
      assert.deepEqual(codes(await waitForStatus(fast.emulator, late.body.id, 'fatal')), [
        'joining_call',
        'fatal:meeting_ended',
      ]);
    } finally {
      await fast.close();
    }
  });

  void it('emits recording, media and transcript events after done, transcript.processing before transcript.done', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const res = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'BreakoutBot-1',
      recording_config: { transcript: { provider: { recallai_streaming: {} } } },
    });
    await waitForStatus(h.emulator, res.body.id, 'in_call_recording');
    meeting.end();
    await waitForEvent(h.sink, res.body.id, 'transcript.done');
    const events = h.sink.events(res.body.id);
    for (const e of ['recording.done', 'video_mixed.done', 'participant_events.done', 'meeting_metadata.done']) {
      assert.ok(events.indexOf(e) > events.indexOf('bot.done'), `${e} after bot.done`);
    }
    assert.ok(events.indexOf('transcript.processing') < events.indexOf('transcript.done'));
    const done = h.sink.forBot(res.body.id).find((w) => w.event === 'transcript.done')!;
    assert.ok(done.data.transcript?.id);
    assert.ok(done.data.recording?.id);
  });

  void it('fails bots that cannot join: unknown meeting, wrong password, not started, ended', async () => {
    const locked = h.emulator.createMeeting(meetingSpec({ password: 'secret' }));
    const later = h.emulator.createMeeting(meetingSpec({ startsAfterSeconds: 3600 }));
    const over = h.emulator.createMeeting(meetingSpec());
    over.end();
    const cases: [string, string][] = [
      ['https://us02web.zoom.us/j/99999999999', 'meeting_not_found'],
      [`https://us02web.zoom.us/j/${locked.id}?pwd=wrong`, 'meeting_password_incorrect'],
      [`https://us02web.zoom.us/j/${locked.id}`, 'meeting_password_incorrect'],
      [later.url, 'meeting_not_started'],
      [over.url, 'meeting_ended'],
    ];
    for (const [url, subCode] of cases) {
      const res = await createBot(h.emulator, { meeting_url: url });
      assert.equal(res.status, 201);
      const bot = await waitForStatus(h.emulator, res.body.id, 'fatal');
      assert.deepEqual(codes(bot), ['joining_call', `fatal:${subCode}`], url);
    }
    const ok = await createBot(h.emulator, { meeting_url: locked.url });
    await waitForStatus(h.emulator, ok.body.id, 'in_call_recording');
    assert.equal(locked.url.endsWith('?pwd=secret'), true);
  });

  void it('leave_call ends the call with bot_received_leave_call, then 400 once the bot is done', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const res = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForStatus(h.emulator, res.body.id, 'in_call_recording');
    const left = await api(h.emulator, 'POST', `/api/v1/bot/${res.body.id}/leave_call/`);
    assert.equal(left.status, 200);
    assert.equal(left.body.id, res.body.id);
    const bot = await waitForStatus(h.emulator, res.body.id, 'done');
    assert.deepEqual(codes(bot).slice(-2), ['call_ended:bot_received_leave_call', 'done']);
    const again = await api(h.emulator, 'POST', `/api/v1/bot/${res.body.id}/leave_call`);
    assert.equal(again.status, 400);
    assert.equal(again.body.code, 'cannot_command_completed_bot');
    assert.equal(typeof again.body.detail, 'string');
  });

  void it('waits in the waiting room and is admitted, or leaves after waiting_room_timeout', async () => {
    const admitting = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'admit', admitAfterSeconds: 5 }));
    const admitted = await createBot(h.emulator, { meeting_url: admitting.url });
    const a = await waitForStatus(h.emulator, admitted.body.id, 'in_call_recording');
    assert.deepEqual(codes(a).slice(0, 3), ['joining_call', 'in_waiting_room', 'in_call_not_recording']);

    const closed = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'never_admit' }));
    const stuck = await createBot(h.emulator, {
      meeting_url: closed.url,
      automatic_leave: { waiting_room_timeout: 30 },
    });
    const s = await waitForStatus(h.emulator, stuck.body.id, 'done');
    assert.deepEqual(codes(s), ['joining_call', 'in_waiting_room', 'call_ended:timeout_exceeded_waiting_room', 'done']);
  });

  void it('leaves when everyone left its room (everyone_left_timeout) and when nobody ever joined', async () => {
    // Eve waits in the main room until breakout rooms open, then goes to hers: the bot staying in
    // the main room is left alone.
    const meeting = h.emulator.createMeeting(
      meetingSpec({
        mainRoom: [],
        breakoutOpensAtSeconds: 20,
        breakoutRooms: [{ name: 'Room 1', participants: [{ name: 'Eve' }] }],
      }),
    );
    const res = await createBot(h.emulator, {
      meeting_url: meeting.url,
      breakout_room: { mode: 'join_main_room' },
      automatic_leave: { everyone_left_timeout: { timeout: 5, activate_after: 0 } },
    });
    const bot = await waitForStatus(h.emulator, res.body.id, 'done');
    assert.deepEqual(codes(bot), [
      'joining_call',
      'in_call_not_recording',
      'in_call_recording',
      'call_ended:timeout_exceeded_everyone_left',
      'done',
    ]);

    const empty = h.emulator.createMeeting(meetingSpec({ mainRoom: [], breakoutRooms: [] }));
    const lonely = await createBot(h.emulator, {
      meeting_url: empty.url,
      automatic_leave: { noone_joined_timeout: 20 },
    });
    const l = await waitForStatus(h.emulator, lonely.body.id, 'done');
    assert.deepEqual(codes(l), [
      'joining_call',
      'in_call_not_recording',
      'call_ended:timeout_exceeded_noone_joined',
      'done',
    ]);
  });

  void it('stop_recording and start_recording make separate recordings', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const res = await createBot(h.emulator, { meeting_url: meeting.url, breakout_room: { mode: 'join_main_room' } });
    await waitForStatus(h.emulator, res.body.id, 'in_call_recording');
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${res.body.id}/stop_recording/`)).status, 200);
    await waitFor('second not-recording', async () =>
      codes(await getBot(h.emulator, res.body.id)).filter((c) => c === 'in_call_not_recording').length === 2
        ? true
        : undefined,
    );
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${res.body.id}/start_recording/`)).status, 200);
    await waitFor('second recording', async () =>
      codes(await getBot(h.emulator, res.body.id)).filter((c) => c === 'in_call_recording').length === 2
        ? true
        : undefined,
    );
    await api(h.emulator, 'POST', `/api/v1/bot/${res.body.id}/leave_call/`);
    await waitFor(
      'two recording.done',
      () => h.sink.events(res.body.id).filter((e) => e === 'recording.done').length === 2,
    );
    const bot = await getBot(h.emulator, res.body.id);
    assert.equal(bot.recordings.length, 2);
    assert.ok(bot.recordings.every((r) => r.status.code === 'done'));
  });
});
