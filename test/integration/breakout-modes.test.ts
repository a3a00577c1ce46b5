/**
 * The breakout scenarios with each shape of Recall's undocumented `bot.breakout_room_*` webhooks:
 * the shape third-party code reads at `data.data.breakout_room` (`standard`), the other one it reads
 * at `data.breakout_room` (`alternate`), and none at all (`none`, which Recall's official event list
 * supports). Placement must not depend on them: the emulator places bots the same way in every mode,
 * and the product must record every room correctly. The emulator's default rate limits stay on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BreakoutEventsMode } from '../../src/emulator';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const MODES: BreakoutEventsMode[] = ['standard', 'alternate', 'none'];

for (const mode of MODES) {
  describe(`breakout events: ${mode}`, () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ emulator: { breakoutEvents: mode } });
    });
    after(async () => {
      await stack?.close();
    });

    const botsOf = (roomWorkflowId: string) =>
      stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomWorkflowId);
    /** The breakout rooms a bot was in, by name, as the emulated Zoom saw it. */
    const roomsEntered = (bot: { rooms: { roomName: string | null }[] }) =>
      bot.rooms.flatMap((r) => (r.roomName ? [r.roomName] : []));

    test('the host places each bot by name: every room records its own room', async () => {
      const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
      const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
      const result = await handle.result();
      for (const [i, room] of result.rooms.entries()) {
        assert.equal(room.outcome, 'recorded', `${room.key}: ${room.reason}`);
        // Without breakout events nothing confirms the placement: the room says so rather than vouch for it.
        if (mode === 'none')
          assert.match(room.placementWarning ?? '', /no bot of this room was seen entering a breakout room/);
        else assert.equal(room.placementWarning, undefined, `${room.key}: ${room.placementWarning}`);
        const bots = botsOf(room.workflowId);
        assert.deepEqual(bots.map(roomsEntered), [[`Room ${i + 1}`]], room.key);
        const words = bots.flatMap((b) => b.spokenWords).join(' ');
        assert.match(words, new RegExp(`alpha${i + 1}`), `${room.key} recorded its own room`);
        assert.doesNotMatch(words, new RegExp(`alpha${2 - i}`), `${room.key} recorded no other room`);
      }
    });

    test('a bot that crashes recording the main room before the host moves it: kept, and said to be maybe of the main room', async () => {
      const meeting = stack.emulator.createMeeting({
        durationSeconds: 300,
        // Someone in the main room, so a bot records there before the host moves it.
        mainRoom: [{ name: 'Host', isHost: true, lines: ['welcome everyone'] }],
        breakoutRooms: [roomSpec(1)],
      });
      const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
      const roomId = `${handle.workflowId}/room/room-1`;
      stack.emulator.faults.botFatal(
        { metadata: { workflowId: roomId }, count: 1 },
        'bot_errored',
        'in_call_recording',
      );
      const result = await handle.result();
      stack.emulator.faults.reset();
      const room = result.rooms[0]!;
      const [crashed, replacement] = botsOf(roomId);
      assert.deepEqual(roomsEntered(crashed!), [], 'the first bot crashed in the main room');
      assert.deepEqual(roomsEntered(replacement!), ['Room 1']);
      assert.ok(
        room.artifacts.some((a) => a.kind === 'video' && a.botId === crashed!.id),
        'what the first bot recorded is kept',
      );
      if (mode === 'none')
        assert.match(room.placementWarning ?? '', /no bot of this room was seen entering a breakout room/);
      else
        assert.match(
          room.placementWarning ?? '',
          new RegExp(
            `bot ${crashed!.id} was not seen entering a breakout room: what it recorded may be of the main room`,
          ),
        );
    });

    test('a kicked bot is replaced in the planned room', async () => {
      const meeting = stack.emulator.createMeeting({ durationSeconds: 400, breakoutRooms: [roomSpec(1), roomSpec(2)] });
      const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
      const roomId = `${handle.workflowId}/room/room-2`;
      const first = await waitFor('the first bot of room-2 to record for a while', () => {
        const bot = botsOf(roomId)[0];
        const recording = bot?.statuses.find((s) => s.code === 'in_call_recording');
        return bot && recording && Date.now() - recording.at > 1500 ? bot : undefined;
      });
      stack.emulator.faults.kickBot(first.id, 'call');
      const result = await handle.result();
      const room = result.rooms.find((r) => r.key === 'room-2');
      assert.equal(room?.outcome, 'partial', room?.reason);
      const bots = botsOf(roomId);
      assert.equal(bots.length, 2);
      assert.deepEqual(roomsEntered(bots[1]!), ['Room 2'], 'the replacement reached the planned room');
      assert.equal(result.rooms.find((r) => r.key === 'room-1')?.outcome, 'recorded');
    });

    test('a host who places nobody: a room with its breakout room id is reached directly; one without says so', async () => {
      const meeting = stack.emulator.createMeeting({
        durationSeconds: 300,
        hostPlacement: 'none',
        breakoutRooms: [roomSpec(1), roomSpec(2)],
      });
      const target = meeting.rooms[1]!;
      const handle = await stack.startMeeting({
        meetingUrl: meeting.url,
        rooms: [
          { key: 'known', name: target.name, breakoutRoomId: target.id },
          { key: 'unknown', name: 'Room 1' },
        ],
        // The bot without a room would sit in the main room until Recall's timeouts: a short meeting budget.
        policy: { maxBotsPerRoom: 1 },
      });
      const result = await handle.result();
      const known = result.rooms.find((r) => r.key === 'known');
      assert.equal(known?.outcome, 'recorded', known?.reason);
      assert.deepEqual(botsOf(known.workflowId).map(roomsEntered), [[target.name]]);
      assert.equal(known?.placementWarning, undefined, known?.placementWarning);

      const unknown = result.rooms.find((r) => r.key === 'unknown');
      assert.deepEqual(botsOf(unknown!.workflowId).map(roomsEntered), [[]], 'nobody moved that bot');
      assert.match(
        unknown?.placementWarning ?? '',
        /no bot of this room was seen entering a breakout room/,
        'the result says the bot was never seen in a breakout room',
      );
    });
  });
}
