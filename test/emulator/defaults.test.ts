import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { startEmulator } from '../../src/emulator';
import { API_KEY, createBot, harness, meetingSpec, waitFor } from './helpers';

void describe('emulator defaults follow the current Recall docs', () => {
  void it('Create Bot allows 120 requests per minute per workspace by default', async () => {
    const emulator = await startEmulator({ apiKey: API_KEY, timeScale: 100 });
    try {
      const url = emulator.createMeeting(meetingSpec({ durationSeconds: 36_000 })).url;
      const joinAt = new Date(emulator.now() + 3600_000).toISOString();
      const statuses: number[] = [];
      for (let i = 0; i < 121; i++)
        statuses.push((await createBot(emulator, { meeting_url: url, join_at: joinAt })).status);
      assert.equal(statuses.filter((s) => s === 201).length, 120);
      assert.equal(statuses.at(-1), 429);
    } finally {
      await emulator.close();
    }
  });

  void it('DELETE of a scheduled bot answers 204 with no body at all', async () => {
    const h = await harness();
    try {
      const url = h.emulator.createMeeting(meetingSpec()).url;
      const joinAt = new Date(h.emulator.now() + 3600_000).toISOString();
      const { body } = await createBot(h.emulator, { meeting_url: url, join_at: joinAt });
      const res = await request(`${h.emulator.baseUrl}/api/v1/bot/${body.id}/`, {
        method: 'DELETE',
        headers: { authorization: `Token ${API_KEY}` },
      });
      assert.equal(res.statusCode, 204);
      assert.equal(res.headers['content-type'], undefined);
      assert.equal(await res.body.text(), '');
    } finally {
      await h.close();
    }
  });

  void it('gives a webhook attempt 15 emulated seconds (at least 1 real second), then retries the same message', async () => {
    let calls = 0;
    // The first request is answered only after 1.5 real seconds: at timeScale 100, far beyond 15 emulated seconds.
    const slow = createServer((req, res) => {
      req.resume();
      const wait = calls++ === 0 ? 1500 : 0;
      setTimeout(() => res.writeHead(204).end(), wait).unref();
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const h = await harness({ webhookUrls: [`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`] });
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      const timedOut = await waitFor('an attempt that timed out', () =>
        h.emulator.audit.webhookDeliveries().find((d) => d.botId === body.id && d.status === 'error'),
      );
      assert.equal(timedOut.event, 'bot.joining_call');
      const attempts = await waitFor('the retry answered', () => {
        const same = h.emulator.audit.webhookDeliveries().filter((d) => d.eventId === timedOut.eventId);
        return same.some((d) => d.status === 204) ? same : undefined;
      });
      assert.deepEqual(
        attempts.map((d) => d.status),
        ['error', 204],
      );
    } finally {
      await h.close();
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
