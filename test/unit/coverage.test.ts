import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomResult, RoomTimelineEntry } from '../../src/contracts';
import { formatDuration, meetingCoverage, roomCoverage } from '../../workflows/coverage';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const step = (s: number, state: RoomTimelineEntry['state'], botId?: string): RoomTimelineEntry => ({
  at: at(s),
  state,
  ...(botId ? { botId } : {}),
});

function room(key: string, timeline: RoomTimelineEntry[], extra: Partial<RoomResult> = {}): RoomResult {
  return {
    key,
    name: `Room ${key.slice(-1)}`,
    workflowId: `meeting/w/room/${key}`,
    outcome: 'recorded',
    reason: 'call_ended call_ended_by_host: the host ended the meeting',
    bots: [],
    artifacts: [],
    missing: [],
    gaps: [],
    timeline,
    recordingNotices: [],
    ...extra,
  };
}

void describe('coverage', () => {
  void it('a bot that waited in the lobby, crashed and was replaced after 14 s', () => {
    const r = room(
      'room-1',
      [
        step(0, 'creating_bot'),
        step(1, 'joining', 'b1'),
        step(4, 'waiting_room', 'b1'),
        step(30, 'recording', 'b1'),
        step(330, 'backoff', 'b1'),
        step(332, 'creating_bot', 'b1'),
        step(333, 'joining', 'b2'),
        step(336, 'in_call', 'b2'),
        step(344, 'recording', 'b2'),
        step(900, 'collecting', 'b2'),
        step(905, 'partial', 'b2'),
      ],
      {
        outcome: 'partial',
        bots: [
          { id: 'b1', attempt: 1, status: 'fatal', subCode: 'bot_errored', breakoutRoom: null },
          { id: 'b2', attempt: 2, status: 'done', subCode: 'call_ended_by_host', breakoutRoom: null },
        ],
      },
    );
    assert.deepEqual(roomCoverage(r), {
      key: 'room-1',
      name: 'Room 1',
      openFrom: at(0),
      openUntil: at(900),
      openSeconds: 900,
      coveredSeconds: 856,
      spans: [
        {
          from: at(0),
          to: at(30),
          covered: false,
          reason: 'before recording started: bot joining, then bot waiting in the lobby (waiting room)',
        },
        { from: at(30), to: at(330), covered: true, botId: 'b1' },
        { from: at(330), to: at(344), covered: false, reason: 'the bot crashed at Recall; replaced after 14 s' },
        { from: at(344), to: at(900), covered: true, botId: 'b2' },
      ],
      summary:
        'covered 14 min 16 s of 15 min (95%); not covered 30 s: before recording started: bot joining, then bot waiting in the lobby (waiting room); 14 s: the bot crashed at Recall; replaced after 14 s',
    });
  });

  void it('a host who denies recording: never covered, with the reason', () => {
    const r = room(
      'room-4',
      [
        step(0, 'creating_bot'),
        step(1, 'joining', 'b9'),
        step(3, 'in_call', 'b9'),
        step(6, 'in_room', 'b9'),
        step(126, 'collecting', 'b9'),
        step(127, 'failed', 'b9'),
      ],
      {
        outcome: 'failed',
        reason:
          'call_ended timeout_exceeded_recording_permission_denied: the host did not grant the bot permission to record; no video was recorded',
        bots: [
          {
            id: 'b9',
            attempt: 1,
            status: 'done',
            subCode: 'timeout_exceeded_recording_permission_denied',
            breakoutRoom: null,
          },
        ],
      },
    );
    const c = roomCoverage(r);
    assert.equal(c.coveredSeconds, 0);
    assert.equal(c.openSeconds, 126);
    assert.deepEqual(c.spans, [
      {
        from: at(0),
        to: at(126),
        covered: false,
        reason:
          'never recorded: bot joining, then bot in the main room, not yet moved into this breakout room, then bot in the room but not recording (no permission to record); call_ended timeout_exceeded_recording_permission_denied: the host did not grant the bot permission to record',
      },
    ]);
    assert.equal(c.summary, `not covered: ${c.spans[0]!.reason}`);
  });

  void it('a room that never got a bot, and a scheduled wait that is not open time', () => {
    const failed = room('room-3', [], { outcome: 'failed', reason: 'room workflow failed: boom' });
    assert.deepEqual(roomCoverage(failed), {
      key: 'room-3',
      name: 'Room 3',
      openFrom: null,
      openUntil: null,
      openSeconds: 0,
      coveredSeconds: 0,
      spans: [],
      summary: 'not covered: room workflow failed: boom',
    });
    // A room that finished on a release before room timelines existed.
    const { timeline: _none, ...older } = room('room-5', [], {
      reason: 'call_ended call_ended_by_host: the host ended the meeting',
    });
    assert.equal(
      roomCoverage(older as RoomResult).summary,
      'coverage unknown: the room ran on a release that kept no room timeline',
    );
    const scheduled = roomCoverage(
      room('room-2', [
        step(0, 'scheduled', 'b1'),
        step(600, 'joining', 'b1'),
        step(603, 'recording', 'b1'),
        step(660, 'leaving', 'b1'),
      ]),
    );
    assert.equal(scheduled.openFrom, at(600));
    assert.equal(scheduled.openSeconds, 60);
    assert.equal(scheduled.coveredSeconds, 57);
  });

  void it('meeting totals, and a room that closed early says so', () => {
    const full = room('room-1', [step(0, 'joining', 'a'), step(10, 'recording', 'a'), step(1000, 'collecting', 'a')]);
    const early = room(
      'room-2',
      [step(0, 'joining', 'b'), step(10, 'recording', 'b'), step(400, 'leaving', 'b'), step(402, 'collecting', 'b')],
      { reason: 'breakout room closed' },
    );
    const never = room(
      'room-3',
      [step(0, 'joining', 'c'), step(2, 'waiting_room', 'c'), step(1000, 'collecting', 'c')],
      {
        outcome: 'failed',
        reason: 'gave up after 3 bots: call_ended timeout_exceeded_waiting_room: nobody admitted the bot',
      },
    );
    const m = meetingCoverage([full, early, never]);
    assert.equal(m.roomsTotal, 3);
    assert.equal(m.roomsCovered, 2);
    assert.equal(m.openSeconds, 2400);
    assert.equal(m.coveredSeconds, 1380);
    assert.equal(m.ratio, 0.575);
    assert.equal(m.rooms[1]!.closedEarly, 'room closed early: 10 min before the last room (breakout room closed)');
    assert.equal(m.rooms[0]!.closedEarly, undefined);
    assert.equal(
      m.summary,
      '2 of 3 rooms captured; 23 min recorded of 40 min open (57%); Room 3: not covered: never recorded: bot joining, then bot waiting in the lobby (waiting room); gave up after 3 bots: call_ended timeout_exceeded_waiting_room: nobody admitted the bot',
    );
  });

  void it('formats durations as a facilitator reads them', () => {
    assert.deepEqual([14, 60, 185, 3600, 3720].map(formatDuration), ['14 s', '1 min', '3 min 5 s', '1 h', '1 h 2 min']);
  });
});
