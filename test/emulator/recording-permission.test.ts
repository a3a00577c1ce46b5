import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { codes, createBot, type Harness, harness, meetingSpec, waitForEvent, waitForStatus } from './helpers';

void describe('emulator recording_permission_denied (Zoom local recording)', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  void it('a meeting whose host refuses: denied with the sub code, never records, leaves on the timeout', async () => {
    const meeting = h.emulator.createMeeting(
      meetingSpec({ recordingPermissionDenied: 'zoom_local_recording_disabled' }),
    );
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-1' });
    const bot = await waitForStatus(h.emulator, body.id, 'done');
    assert.deepEqual(codes(bot), [
      'joining_call',
      'in_call_not_recording',
      'recording_permission_denied:zoom_local_recording_disabled',
      'call_ended:timeout_exceeded_recording_permission_denied',
      'done',
    ]);
    assert.deepEqual(bot.recordings, []);
    const denied = await waitForEvent(h.sink, body.id, 'bot.recording_permission_denied');
    assert.equal(denied.data.data.sub_code, 'zoom_local_recording_disabled');
    assert.equal(h.sink.events(body.id).includes('bot.in_call_recording'), false);
    // The documented default recording_permission_denied_timeout is 30 s (emulated).
    const at = (code: string) => Date.parse(bot.status_changes.find((s) => s.code === code)!.created_at);
    assert.ok(at('call_ended') - at('recording_permission_denied') >= 30_000);
    assert.equal(h.emulator.audit.bot(body.id)!.recordings.length, 0);
  });

  void it('as a fault over HTTP, for matching bots only, honouring recording_permission_denied_timeout', async () => {
    const res = await request(`${h.emulator.baseUrl}/_emulator/faults/recording-permission-denied`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { metadata: { room: 'r1' } } }),
    });
    assert.equal(res.statusCode, 204);
    await res.body.dump();
    const meeting = h.emulator.createMeeting(meetingSpec());
    const refused = await createBot(h.emulator, {
      meeting_url: meeting.url,
      metadata: { room: 'r1' },
      automatic_leave: { recording_permission_denied_timeout: 5 },
    });
    const granted = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { room: 'r2' } });
    await waitForStatus(h.emulator, granted.body.id, 'in_call_recording');
    const bot = await waitForStatus(h.emulator, refused.body.id, 'done');
    assert.deepEqual(codes(bot).slice(1, 4), [
      'in_call_not_recording',
      'recording_permission_denied:zoom_local_recording_request_denied_by_host',
      'call_ended:timeout_exceeded_recording_permission_denied',
    ]);
    const hits = h.emulator.audit.faultHits().filter((x) => x.fault === 'recording_permission_denied');
    assert.ok(hits.some((x) => x.botId === refused.body.id));
    assert.ok(!hits.some((x) => x.botId === granted.body.id));
  });
});
