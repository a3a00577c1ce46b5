/**
 * An operator finds a meeting's rooms in the real Temporal Web UI: a visibility query on the
 * meeting key lists each room workflow with its status, and the room state search attribute
 * narrows the list to the recorded rooms. Payloads are encrypted, as in production: the UI shows a
 * meeting's input decoded through the codec server, while the history it fetches holds ciphertext.
 * Drives Debian's Chromium headless through playwright-core.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { MeetingInput, MeetingResult } from '../../src/contracts';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { roomSpec } from '../support/stack';
import { startUiStack, type UiStack } from './ui-stack';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', 'data', 'ui-test.png');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium`;

type MeetingWorkflow = (input: MeetingInput) => Promise<MeetingResult>;

let stack: UiStack | undefined;
let browser: BrowserContext | undefined;
let profileDir: string | undefined;

before(async () => {
  if (skip) return;
  stack = await startUiStack();
  profileDir = await mkdtemp(join(tmpdir(), 'breakout-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1600, height: 1000 },
  });
});

after(async () => {
  await browser?.close();
  await stack?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

function listUrl(uiUrl: string, query: string): string {
  return `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
}

/** The workflow list's rows, as text, once `expected` rows show (visibility is eventually consistent). */
async function rowsOf(page: Page, url: string, expected: number): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    await page.goto(url);
    const rows = page.locator('table tbody tr');
    try {
      await rows.nth(expected - 1).waitFor({ timeout: 10_000 });
      return await rows.allInnerTexts();
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}

test('the Web UI lists a meeting’s rooms by meeting key, each with its status and state', { skip }, async () => {
  const { client, emulator, taskQueue, uiUrl } = stack!;
  const meeting = emulator.createMeeting({ durationSeconds: 120, breakoutRooms: [1, 2, 3].map((n) => roomSpec(n)) });
  const meetingKey = `ui-${Date.now()}`;
  const handle = await client.workflow.start<MeetingWorkflow>('meetingWorkflow', {
    taskQueue,
    workflowId: `meeting/${meetingKey}`,
    args: [{ meetingUrl: meeting.url, roomCount: 3, policy: FAST_POLICY }],
  });
  const result = await handle.result();
  assert.deepEqual(
    result.rooms.map((r) => r.outcome),
    ['recorded', 'recorded', 'recorded'],
  );
  const roomIds = result.rooms.map((r) => r.workflowId);

  const page = await browser!.newPage();
  const rows = await rowsOf(page, listUrl(uiUrl, `BreakoutMeetingKey = "${meetingKey}"`), 4);
  await mkdir(join(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  for (const id of [handle.workflowId, ...roomIds]) {
    const row = rows.find((text) => text.includes(id));
    assert.ok(row, `no row for ${id} in:\n${rows.join('\n')}`);
    assert.match(row, /Completed/, `${id} is not shown as Completed: ${row}`);
  }
  assert.equal(rows.length, 4, 'the meeting and its three rooms, nothing else');

  // The room state attribute is what an operator filters on: every room was recorded.
  const recorded = await rowsOf(
    page,
    listUrl(uiUrl, `BreakoutMeetingKey = "${meetingKey}" AND BreakoutRoomState = "recorded"`),
    3,
  );
  assert.deepEqual(
    roomIds.filter((id) => recorded.some((text) => text.includes(id))),
    roomIds,
  );
  assert.equal(recorded.length, 3);
});

/** Every base64 string in a JSON text, decoded: payload data travels as base64. */
function withBase64Decoded(text: string): string {
  const decoded = [...text.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) =>
    Buffer.from(m[1]!, 'base64').toString('latin1'),
  );
  return [text, ...decoded].join('\n');
}

test(
  'the Web UI shows a meeting’s input decoded through the codec server; the history it fetches is ciphertext',
  { skip },
  async () => {
    const { client, emulator, taskQueue, uiUrl, codecUrl } = stack!;
    const meeting = emulator.createMeeting({ durationSeconds: 60, breakoutRooms: [roomSpec(1)] });
    const passcode = `pwd=${randomBytes(9).toString('hex')}`;
    const title = `Workshop ${randomBytes(4).toString('hex')}`;
    const meetingUrl = `${meeting.url}${meeting.url.includes('?') ? '&' : '?'}${passcode}`;
    const handle = await client.workflow.start<MeetingWorkflow>('meetingWorkflow', {
      taskQueue,
      workflowId: `meeting/ui-codec-${randomBytes(3).toString('hex')}`,
      args: [{ meetingUrl, title, roomCount: 1, policy: FAST_POLICY }],
    });
    const result = await handle.result();
    assert.deepEqual(
      result.rooms.map((r) => r.outcome),
      ['recorded'],
    );

    // What the UI's server hands the browser: only ciphertext, in every form the scan can read.
    const historyUrl = `${uiUrl}/api/v1/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/history?execution.runId=${handle.firstExecutionRunId}`;
    const raw = await fetch(historyUrl);
    assert.equal(raw.status, 200, historyUrl);
    const rawText = withBase64Decoded(await raw.text());
    assert.match(rawText, /binary\/encrypted/, 'the history holds encrypted payloads');
    for (const secret of [passcode, title])
      assert.ok(!rawText.includes(secret), `${secret} in clear in the raw history`);

    // The browser decodes through the codec server (no token: the UI's origin, over loopback).
    const page = await browser!.newPage();
    const decodeCalls: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${codecUrl}/decode`)) decodeCalls.push(response.status());
    });
    await page.goto(
      `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${handle.firstExecutionRunId}/history`,
    );
    for (const text of [passcode, title]) await page.getByText(text).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-decoded.png'), fullPage: true });
    assert.ok(
      decodeCalls.length > 0 && decodeCalls.every((status) => status === 200),
      `decode answers: ${JSON.stringify(decodeCalls)}`,
    );

    // The same call without the token from elsewhere is refused: no origin, or another site's.
    for (const origin of [undefined, 'http://evil.example']) {
      const refused = await fetch(`${codecUrl}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ payloads: [] }),
      });
      assert.equal(refused.status, 401, `origin ${origin}`);
    }
  },
);
