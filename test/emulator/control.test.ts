import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { AuditBot } from '../../src/emulator';
import { control, codes, createBot, type Harness, harness, meetingSpec, waitForEvent, waitForStatus } from './helpers';

void describe('emulator control API over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  void it('creates meetings, injects faults and exposes the audit log', async () => {
    const created = await control(h.emulator.baseUrl, '/meetings', meetingSpec({ id: '81234567890', password: 'pw' }));
    assert.equal(created.status, 201);
    assert.equal(created.body.id, '81234567890');
    assert.equal(created.body.url, 'https://us02web.zoom.us/j/81234567890?pwd=pw');
    assert.equal((created.body.rooms as unknown[]).length, 3);
    assert.equal((await control(h.emulator.baseUrl, '/meetings', { durationSeconds: -1 })).status, 400);

    assert.equal(
      (await control(h.emulator.baseUrl, '/faults/fail-next-creates', { count: 1, status: 507 })).status,
      204,
    );
    assert.equal((await createBot(h.emulator, { meeting_url: String(created.body.url) })).status, 507);
    assert.equal(
      (await control(h.emulator.baseUrl, '/faults/fail-next-creates', { count: 1, status: 418 })).status,
      400,
    );
    assert.equal(
      (
        await control(h.emulator.baseUrl, '/faults/bot-fatal', {
          match: { botName: 'x', count: 1 },
          subCode: 'bot_errored',
          stage: 'joining_call',
        })
      ).status,
      204,
    );
    const doomed = await createBot(h.emulator, { meeting_url: String(created.body.url), bot_name: 'x' });
    await waitForStatus(h.emulator, doomed.body.id, 'fatal');

    const bot = await createBot(h.emulator, { meeting_url: String(created.body.url) });
    await waitForStatus(h.emulator, bot.body.id, 'in_call_recording');
    assert.equal((await control(h.emulator.baseUrl, '/faults/kick-bot', { botId: bot.body.id })).status, 204);
    assert.deepEqual(
      codes(await waitForStatus(h.emulator, bot.body.id, 'done')).at(-2),
      'call_ended:bot_kicked_from_call',
    );

    assert.equal(
      (await control(h.emulator.baseUrl, '/meetings/81234567890/close-room', { room: 'Room 1' })).status,
      204,
    );
    assert.equal((await control(h.emulator.baseUrl, '/meetings/81234567890/end', {})).status, 204);
    assert.equal((await control(h.emulator.baseUrl, '/faults/reset', {})).status, 204);

    const audit = await control(h.emulator.baseUrl, '/audit');
    const bots = audit.body.bots as AuditBot[];
    assert.deepEqual(
      bots.map((b) => b.id),
      [doomed.body.id, bot.body.id],
    );
    assert.ok((audit.body.requests as unknown[]).length > 0);
    assert.ok((audit.body.webhookDeliveries as unknown[]).length > 0);
    const clock = await control(h.emulator.baseUrl, '/clock');
    assert.equal(clock.body.timeScale, 100);
  });

  void it('adds webhook URLs over HTTP', async () => {
    const res = await control(h.emulator.baseUrl, '/webhook-urls', { url: `${h.sink.url}?second` });
    assert.equal(res.status, 204);
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForEvent(h.sink, body.id, 'bot.joining_call');
    const urls = h.emulator.audit
      .webhookDeliveries()
      .filter((d) => d.botId === body.id && d.event === 'bot.joining_call')
      .map((d) => d.url);
    assert.equal(new Set(urls).size, 2);
  });
});

void describe('breakout-emulator CLI', () => {
  void it('serves with meetings from a file until SIGTERM, without printing secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    const file = join(dir, 'meeting.json');
    await writeFile(file, JSON.stringify(meetingSpec({ id: '86000000001' })));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/emulator/main.ts', '--meeting', file, '--time-scale', '50', '--header-style', 'svix'],
      {
        env: {
          ...process.env,
          RECALL_API_KEY: 'cli-secret-key',
          RECALL_WEBHOOK_SECRET: 'whsec_c2VjcmV0c2VjcmV0',
          EMULATOR_SEED: '7',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const line = output.split('\n').find((l) => l.startsWith('http://127.0.0.1:'));
        if (line) {
          clearInterval(timer);
          resolve(line.trim());
        }
      }, 20);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const res = await request(`${baseUrl}/api/v1/bot/`, {
      method: 'POST',
      headers: { authorization: 'cli-secret-key', 'content-type': 'application/json' },
      body: JSON.stringify({ meeting_url: 'https://us02web.zoom.us/j/86000000001' }),
    });
    assert.equal(res.statusCode, 201);
    await res.body.dump();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(output.includes('86000000001'));
    assert.equal(output.includes('cli-secret-key'), false);
    assert.equal(output.includes('c2VjcmV0c2VjcmV0'), false);
  });
});
