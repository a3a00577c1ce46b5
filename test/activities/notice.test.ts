/** sendRecordingNotice against the Recall emulator: one message in the bot's room, however often it is retried. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createNoticeActivities, NOTICE_BOT_NOT_IN_CALL } from '../../activities/notice-activities';
import type { RecordingNoticeInput, RecordingNoticeSent } from '../../activities/types';
import { DEFAULT_RECORDING_NOTICE } from '../../src/contracts';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RecallClient } from '../../src/recall';
import { waitFor } from '../support/wait';

const apiKey = 'notice-test-key';

void describe('sendRecordingNotice (emulator)', () => {
  let emulator: Emulator;
  let recall: RecallClient;
  let send: (input: RecordingNoticeInput) => Promise<RecordingNoticeSent>;

  before(async () => {
    emulator = await startEmulator({ apiKey, timeScale: 100, rateLimits: { create: 0, list: 0, default: 0 } });
    recall = new RecallClient({ apiKey, baseUrl: emulator.baseUrl });
    const activities = createNoticeActivities(recall);
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
    send = (input) => env.run((i: RecordingNoticeInput) => activities.sendRecordingNotice(i), input);
  });
  after(async () => {
    await recall.close();
    await emulator.close();
  });

  async function botInRoom(botName: string): Promise<string> {
    const meeting = emulator.createMeeting({
      durationSeconds: 3600,
      breakoutRooms: [
        { name: 'Room 1', participants: [{ name: 'Ann', lines: ['hello'] }] },
        { name: 'Room 2', participants: [{ name: 'Ben', lines: ['hi'] }] },
      ],
    });
    const bot = await recall.createBot({ meeting_url: meeting.url, bot_name: botName }, { idempotencyKey: botName });
    await waitFor(`${botName} in its breakout room`, () => emulator.audit.bot(bot.id)?.rooms.some((r) => r.roomId));
    return bot.id;
  }

  void it("posts the notice once in the bot's breakout room, even when the activity runs again", async () => {
    const botId = await botInRoom('BreakoutBot-2');
    const first = await send({ botId, text: DEFAULT_RECORDING_NOTICE });
    // A retry after a lost answer: same bot, same room, so the same Idempotency-Key.
    const retry = await send({ botId, text: DEFAULT_RECORDING_NOTICE });
    assert.ok(!Number.isNaN(Date.parse(first.sentAt)) && !Number.isNaN(Date.parse(retry.sentAt)));
    const messages = emulator.audit.chatMessages().filter((m) => m.botId === botId);
    assert.deepEqual(
      messages.map((m) => [m.roomName, m.to, m.message]),
      [['Room 2', 'everyone', DEFAULT_RECORDING_NOTICE]],
    );
  });

  void it('fails for good, typed, when the bot is not in a call', async () => {
    const meeting = emulator.createMeeting({ durationSeconds: 60, breakoutRooms: [] });
    const joinAt = new Date(emulator.now() + 3 * 3600_000).toISOString();
    const bot = await recall.createBot(
      { meeting_url: meeting.url, bot_name: 'BreakoutBot-9', join_at: joinAt },
      { idempotencyKey: 'scheduled-notice' },
    );
    await assert.rejects(send({ botId: bot.id, text: 'recorded' }), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, NOTICE_BOT_NOT_IN_CALL);
      assert.equal(err.nonRetryable, true);
      return true;
    });
    assert.equal(emulator.audit.chatMessages().filter((m) => m.botId === bot.id).length, 0);
  });
});
