import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createBot, harness, meetingSpec, SECRET, waitFor, waitForEvent, waitForStatus } from './helpers';

const LIFECYCLE = [
  'bot.joining_call',
  'bot.in_call_not_recording',
  'bot.in_call_recording',
  'bot.call_ended',
  'bot.done',
];

void describe('emulator webhooks', () => {
  void it('signs with webhook-* headers that the standardwebhooks package verifies, in status order', async () => {
    const h = await harness();
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, {
        meeting_url: meeting.url,
        breakout_room: { mode: 'join_main_room' },
      });
      await waitForEvent(h.sink, body.id, 'bot.in_call_recording');
      meeting.end();
      await waitForEvent(h.sink, body.id, 'recording.done');
      const verifier = new Webhook(SECRET);
      for (const w of h.sink.forBot(body.id)) {
        assert.match(String(w.headers['webhook-id']), /^msg_[0-9A-Za-z]+$/);
        assert.match(String(w.headers['webhook-timestamp']), /^\d{10}$/);
        assert.doesNotThrow(() => verifier.verify(w.raw, w.headers as Record<string, string>));
        assert.throws(() => verifier.verify(`${w.raw} `, w.headers as Record<string, string>));
      }
      assert.deepEqual(
        h.sink.events(body.id).filter((e) => LIFECYCLE.includes(e)),
        LIFECYCLE,
      );
      const ids = h.sink.forBot(body.id).map((w) => w.headers['webhook-id']);
      assert.equal(new Set(ids).size, ids.length);
    } finally {
      await h.close();
    }
  });

  void it('uses svix-* headers in the legacy style, verifiable with the same algorithm', async () => {
    const h = await harness({ webhookHeaderStyle: 'svix' });
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      const w = await waitForEvent(h.sink, body.id, 'bot.joining_call');
      assert.equal(w.headers['webhook-id'], undefined);
      const headers = {
        'webhook-id': String(w.headers['svix-id']),
        'webhook-timestamp': String(w.headers['svix-timestamp']),
        'webhook-signature': String(w.headers['svix-signature']),
      };
      assert.doesNotThrow(() => new Webhook(SECRET).verify(w.raw, headers));
    } finally {
      await h.close();
    }
  });

  void it('sends no signature headers without a secret', async () => {
    const h = await harness({ webhookSecret: undefined });
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      const w = await waitForEvent(h.sink, body.id, 'bot.joining_call');
      assert.equal(w.headers['webhook-signature'], undefined);
    } finally {
      await h.close();
    }
  });

  void it('retries a delivery the receiver answered 500, with the same message id (at least once)', async () => {
    const h = await harness();
    try {
      h.sink.failFirst = 1;
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      const w = await waitForEvent(h.sink, body.id, 'bot.joining_call');
      // The sink has the message before the emulator has logged the answer: wait for the log.
      const attempts = await waitFor('two attempts logged', () => {
        const logged = h.emulator.audit.webhookDeliveries().filter((d) => d.eventId === w.headers['webhook-id']);
        return logged.length === 2 ? logged : undefined;
      });
      assert.deepEqual(
        attempts.map((d) => d.status),
        [500, 204],
      );
      assert.equal(attempts[0]!.event, 'bot.joining_call');
      assert.equal(attempts[0]!.botId, body.id);
    } finally {
      await h.close();
    }
  });

  void it('retries network errors, and delivers to URLs added later', async () => {
    const h = await harness({ webhookUrls: ['http://127.0.0.1:9/unreachable'] });
    try {
      h.emulator.addWebhookUrl(h.sink.url);
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      await waitForEvent(h.sink, body.id, 'bot.joining_call');
      await waitFor(
        'two failed attempts',
        () =>
          h.emulator.audit
            .webhookDeliveries()
            .filter((d) => d.url.includes(':9/') && d.event === 'bot.joining_call' && d.status === 'error').length >= 2,
      );
    } finally {
      await h.close();
    }
  });

  void it('drops and duplicates by the fault dice, until reset', async () => {
    const h = await harness();
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      h.emulator.faults.webhooks({ duplicate: 1 });
      const dup = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'dup' });
      await waitFor(
        'duplicate joining_call',
        () => h.sink.events(dup.body.id).filter((e) => e === 'bot.joining_call').length === 2,
      );
      const [first, second] = h.sink.forBot(dup.body.id).filter((w) => w.event === 'bot.joining_call');
      assert.equal(first!.headers['webhook-id'], second!.headers['webhook-id']);

      h.emulator.faults.webhooks({ drop: 1 });
      const dropped = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'dropped' });
      await waitFor('dropped deliveries', () =>
        h.emulator.audit.webhookDeliveries().some((d) => d.botId === dropped.body.id && d.status === 'dropped'),
      );

      h.emulator.faults.reset();
      const after = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'after-reset' });
      await waitForEvent(h.sink, after.body.id, 'bot.in_call_recording');
      assert.equal(h.sink.events(dropped.body.id).includes('bot.joining_call'), false);
      assert.deepEqual(
        h.sink.events(after.body.id).filter((e) => LIFECYCLE.includes(e)),
        LIFECYCLE.slice(0, 3),
      );
    } finally {
      await h.close();
    }
  });

  void it('reorder lets the next message of the same bot overtake the held one', async () => {
    // A slower clock leaves room to switch the fault off between joining_call and in_waiting_room.
    const h = await harness({ timeScale: 10 });
    try {
      const meeting = h.emulator.createMeeting(meetingSpec({ waitingRoom: 'never_admit' }));
      h.emulator.faults.webhooks({ reorder: 1 });
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      await waitForStatus(h.emulator, body.id, 'joining_call');
      h.emulator.faults.webhooks({});
      await waitForEvent(h.sink, body.id, 'bot.joining_call');
      assert.deepEqual(h.sink.events(body.id), ['bot.in_waiting_room', 'bot.joining_call']);
    } finally {
      await h.close();
    }
  });

  void it('drops every webhook of bots matched by dropWebhooksFor, and only those', async () => {
    const h = await harness();
    try {
      h.emulator.faults.dropWebhooksFor({ metadata: { room: 'silent' } });
      const meeting = h.emulator.createMeeting(meetingSpec());
      const silent = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { room: 'silent' } });
      const loud = await createBot(h.emulator, { meeting_url: meeting.url, metadata: { room: 'loud' } });
      await waitForStatus(h.emulator, silent.body.id, 'in_call_recording');
      await waitForEvent(h.sink, loud.body.id, 'bot.in_call_recording');
      meeting.end();
      await waitForEvent(h.sink, loud.body.id, 'recording.done');
      await waitFor('silent bot done', () => h.emulator.audit.bot(silent.body.id)?.liveUntil);
      assert.equal(h.sink.forBot(silent.body.id).length, 0);
      const deliveries = h.emulator.audit.webhookDeliveries().filter((d) => d.botId === silent.body.id);
      assert.ok(deliveries.length > 0 && deliveries.every((d) => d.status === 'dropped'));
    } finally {
      await h.close();
    }
  });
});
