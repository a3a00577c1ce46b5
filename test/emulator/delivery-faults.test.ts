import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  control,
  api,
  codes,
  createBot,
  download,
  getBot,
  type Harness,
  harness,
  meetingSpec,
  SECRET,
  waitFor,
  waitForEvent,
  waitForStatus,
} from './helpers';

void describe('emulator late processing, late and redelivered webhooks, failing leave', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());
  const hits = (fault: string, botId: string) =>
    h.emulator.audit.faultHits().filter((x) => x.fault === fault && x.botId === botId);

  void it('lateProcessing keeps the recording processing, without URLs, for the given seconds after done', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.lateProcessing({ metadata: { room: 'late' } }, 120);
    const late = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { room: 'late' } });
    const prompt = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { room: 'prompt' } });
    await waitForStatus(h.emulator, late.body.id, 'in_call_recording');
    await waitForStatus(h.emulator, prompt.body.id, 'in_call_recording');
    meeting.end();
    await waitForEvent(h.sink, prompt.body.id, 'recording.done');
    const done = await waitForStatus(h.emulator, late.body.id, 'done');
    const processing = (await getBot(h.emulator, late.body.id)).recordings[0]!;
    assert.equal(processing.status.code, 'processing');
    assert.equal(processing.media_shortcuts.video_mixed.data.download_url, null);
    assert.equal(processing.media_shortcuts.participant_events.data.participants_download_url, null);
    assert.equal(h.sink.events(late.body.id).includes('recording.done'), false);

    await waitForEvent(h.sink, late.body.id, 'recording.done');
    const ready = await api<{ status: { code: string; updated_at: string } }>(
      h.emulator,
      'GET',
      `/api/v1/recording/${processing.id}/`,
    );
    assert.equal(ready.body.status.code, 'done');
    const doneAt = Date.parse(done.status_changes.at(-1)!.created_at);
    assert.ok(Date.parse(ready.body.status.updated_at) - doneAt >= 120_000, 'emulated seconds after done');
    const url = (await getBot(h.emulator, late.body.id)).recordings[0]!.media_shortcuts.video_mixed.data.download_url!;
    assert.equal((await download(url)).status, 200);
    assert.equal(hits('late_processing', late.body.id).length, 1);
    assert.equal(hits('late_processing', prompt.body.id).length, 0);
  });

  void it('lateInCallWebhooks delivers in_call_* only after bot.done; the API still shows the true order', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.lateInCallWebhooks({ botName: 'held' });
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'held' });
    await waitForStatus(h.emulator, body.id, 'in_call_recording');
    meeting.end();
    await waitForEvent(h.sink, body.id, 'bot.in_call_recording');
    const events = h.sink.events(body.id).filter((e) => e.startsWith('bot.') && !e.startsWith('bot.breakout'));
    assert.deepEqual(events, [
      'bot.joining_call',
      'bot.call_ended',
      'bot.done',
      'bot.in_call_not_recording',
      'bot.in_call_recording',
    ]);
    assert.deepEqual(codes(await getBot(h.emulator, body.id)), [
      'joining_call',
      'in_call_not_recording',
      'in_call_recording',
      'call_ended:call_ended_by_host',
      'done',
    ]);
    assert.equal(hits('late_in_call_webhooks', body.id)[0]?.detail, 'bot.in_call_not_recording,bot.in_call_recording');
  });

  void it('redeliverAfterDone sends the first in_call_recording again after done, same id, valid signature', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    assert.equal(
      (await control(h.emulator.baseUrl, '/faults/redeliver-after-done', { match: { botName: 'r' } })).status,
      204,
    );
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'r' });
    await waitForStatus(h.emulator, body.id, 'in_call_recording');
    meeting.end();
    const recorded = () => h.sink.forBot(body.id).filter((w) => w.event === 'bot.in_call_recording');
    await waitFor('the redelivery', () => (recorded().length === 2 ? true : undefined));
    const [first, again] = recorded();
    assert.equal(again!.headers['webhook-id'], first!.headers['webhook-id']);
    assert.equal(again!.raw, first!.raw);
    assert.doesNotThrow(() => new Webhook(SECRET).verify(again!.raw, again!.headers as Record<string, string>));
    const events = h.sink.events(body.id);
    assert.ok(events.lastIndexOf('bot.in_call_recording') > events.indexOf('bot.done'));
    assert.equal(hits('redeliver_after_done', body.id)[0]?.detail, first!.headers['webhook-id']);
  });

  void it('failLeave answers 5xx while the bot keeps running, then leave works', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { leave: 'flaky' } });
    await waitForStatus(h.emulator, body.id, 'in_call_recording');
    h.emulator.faults.failLeave({ metadata: { leave: 'flaky' }, count: 2 }, { status: 503 });
    for (let i = 0; i < 2; i++) {
      const res = await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`);
      assert.equal(res.status, 503);
    }
    assert.equal(codes(await getBot(h.emulator, body.id)).at(-1), 'in_call_recording');
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`)).status, 200);
    const left = await waitForStatus(h.emulator, body.id, 'done');
    assert.equal(codes(left).at(-2), 'call_ended:bot_received_leave_call');
    assert.deepEqual(
      hits('leave_failure', body.id).map((x) => x.detail),
      ['503', '503'],
    );
  });

  void it('failLeave answers cannot_command_unstarted_bot, never to a done bot', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'unstarted' });
    await waitForStatus(h.emulator, body.id, 'in_call_recording');
    const { status } = await control(h.emulator.baseUrl, '/faults/fail-leave', {
      match: { botName: 'unstarted', count: 1 },
      fault: { code: 'cannot_command_unstarted_bot' },
    });
    assert.equal(status, 204);
    const refused = await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'cannot_command_unstarted_bot');
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`)).status, 200);
    await waitForStatus(h.emulator, body.id, 'done');

    h.emulator.faults.failLeave({ botName: 'unstarted' }, { code: 'cannot_command_unstarted_bot' });
    const completed = await api(h.emulator, 'POST', `/api/v1/bot/${body.id}/leave_call/`);
    assert.equal(completed.body.code, 'cannot_command_completed_bot');
    const { status: bad } = await control(h.emulator.baseUrl, '/faults/fail-leave', {
      match: {},
      fault: { code: 'nope' },
    });
    assert.equal(bad, 400);
  });
});
