import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { roomWantsEvent } from '../../src/contracts/recall-event';
import { NotARecallEventError, codeFromEventName, toRecallEvent } from '../../src/webhooks/to-recall-event';

const WORKFLOW_ID = 'meeting/standup/room/room-1';
const bot = { id: 'bot-1', metadata: { workflowId: WORKFLOW_ID, roomKey: 'room-1', attempt: '1' } };

void describe('toRecallEvent', () => {
  void it('routes a bot status event by the workflowId in the bot metadata', () => {
    const routed = toRecallEvent(
      {
        event: 'bot.call_ended',
        data: {
          data: { code: 'call_ended', sub_code: 'bot_kicked_from_call', updated_at: '2025-01-01T10:00:00Z' },
          bot,
        },
      },
      'msg_1',
    );
    assert.deepEqual(routed, {
      workflowId: WORKFLOW_ID,
      eventName: 'bot.call_ended',
      event: {
        eventId: 'msg_1',
        event: 'bot.call_ended',
        botId: 'bot-1',
        code: 'call_ended',
        subCode: 'bot_kicked_from_call',
        at: '2025-01-01T10:00:00Z',
        source: 'webhook',
      },
    });
  });

  void it('reads a missing sub code as null', () => {
    const { event } = toRecallEvent(
      { event: 'bot.in_call_recording', data: { data: { code: 'in_call_recording', updated_at: 'T' }, bot } },
      'msg_2',
    );
    assert.equal(event?.subCode, null);
  });

  void it('derives the code from the event name when the payload has none', () => {
    const { event } = toRecallEvent({ event: 'bot.joining_call', data: { bot } }, 'msg_3');
    assert.equal(event?.code, 'joining_call');
    assert.equal(event?.subCode, undefined);
    assert.equal(event?.at, undefined);
  });

  void it('carries the recording id of recording and media events', () => {
    const { workflowId, event } = toRecallEvent(
      {
        event: 'transcript.done',
        data: {
          data: { code: 'done', sub_code: null, updated_at: 'T' },
          transcript: { id: 'tr-1', metadata: {} },
          recording: { id: 'rec-1', metadata: {} },
          bot,
        },
      },
      'msg_4',
    );
    assert.equal(workflowId, WORKFLOW_ID);
    assert.equal(event?.event, 'transcript.done');
    assert.equal(event?.code, 'done');
    assert.equal(event?.recordingId, 'rec-1');
  });

  void it('carries the breakout room of breakout room events, numeric ids as strings', () => {
    const { event } = toRecallEvent(
      { event: 'bot.breakout_room_entered', data: { data: { breakout_room: { id: 42, name: 'Room 2' } }, bot } },
      'msg_5',
    );
    assert.equal(event?.code, 'breakout_room_entered');
    assert.deepEqual(event?.breakoutRoom, { id: '42', name: 'Room 2' });
  });

  void it('reads an unnamed breakout room as name null', () => {
    const { event } = toRecallEvent(
      { event: 'bot.breakout_room_left', data: { data: { breakout_room: { id: 'abc' } }, bot } },
      'msg_6',
    );
    assert.deepEqual(event?.breakoutRoom, { id: 'abc', name: null });
  });

  void it('passes unknown event names and codes through', () => {
    const { workflowId, event } = toRecallEvent(
      { event: 'bot.something_new', data: { data: { code: 'something_new', sub_code: 'why' }, bot, extra: 1 } },
      'msg_7',
    );
    assert.equal(workflowId, WORKFLOW_ID);
    assert.equal(event?.event, 'bot.something_new');
    assert.equal(event?.subCode, 'why');
  });

  void it('routes nowhere when the bot carries no workflowId', () => {
    const routed = toRecallEvent({ event: 'bot.done', data: { data: { code: 'done' }, bot: { id: 'b' } } }, 'msg_8');
    assert.equal(routed.workflowId, undefined);
    assert.equal(routed.event?.botId, 'b');
  });

  void it('has no event when the recording was made without a bot', () => {
    const routed = toRecallEvent(
      { event: 'recording.done', data: { data: { code: 'done' }, recording: { id: 'rec-1' }, bot: null } },
      'msg_9',
    );
    assert.deepEqual(routed, { workflowId: undefined, event: undefined, eventName: 'recording.done' });
  });

  void it('rejects JSON that is not a Recall event', () => {
    for (const payload of [
      null,
      42,
      'bot.done',
      [],
      {},
      { event: 7 },
      { event: 'bot.done', data: { bot: { id: 1 } } },
    ]) {
      assert.throws(() => toRecallEvent(payload, 'msg_10'), NotARecallEventError, JSON.stringify(payload));
    }
  });
});

void describe('codeFromEventName', () => {
  void it('takes what follows the object name', () => {
    assert.equal(codeFromEventName('bot.in_waiting_room'), 'in_waiting_room');
    assert.equal(codeFromEventName('video_mixed.done'), 'done');
    assert.equal(codeFromEventName('bot'), undefined);
    assert.equal(codeFromEventName('bot.'), undefined);
  });
});

void test('rooms want bot status and breakout events, not media or processing notices', () => {
  for (const event of ['bot.in_waiting_room', 'bot.fatal', 'bot.some_future_status', 'bot.breakout_room_entered']) {
    assert.equal(roomWantsEvent(event), true, event);
  }
  for (const event of [
    'bot.joining_call',
    'bot.breakout_room_opened',
    'bot.log',
    'recording.done',
    'video_mixed.done',
    'transcript.done',
  ]) {
    assert.equal(roomWantsEvent(event), false, event);
  }
});
