/**
 * An operator finds a meeting's rooms in the real Temporal Web UI: a visibility query on the
 * meeting key lists each room workflow with its status, and the room state search attribute
 * narrows the list to the recorded rooms. Drives Debian's Chromium headless through playwright-core.
 */
import assert from 'node:assert/strict';
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
