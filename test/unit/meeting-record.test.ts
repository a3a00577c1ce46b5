import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeRecord, type RecordSource } from '../../src/meeting-record/merge';
import { timelineText, transcriptText, transcriptVtt } from '../../src/meeting-record/render';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ts = (s: number) => ({ relative: s, absolute: at(s) });

type Who = { id: number; name: string; email?: string; is_host?: boolean };
const HOST: Who = { id: 100, name: 'Hana Host', is_host: true };
const person = (p: Who) => ({ is_host: false, platform: 'desktop', extra_data: null, email: null, ...p });
const said = (who: Who, s: number, text: string) => ({
  participant: person(who),
  words: text
    .split(' ')
    .map((w, i) => ({ text: w, start_timestamp: ts(s + i * 0.3), end_timestamp: ts(s + (i + 1) * 0.3) })),
});
const ev = (action: 'join' | 'leave', who: Who, s: number) => ({
  id: `${action}-${who.id}-${s}`,
  action,
  participant: person(who),
  timestamp: ts(s),
  data: null,
});

// Zoom gives a participant a new id in each room: Ann is 200 in Room 1 and 500 in Room 2.
const ANN_1: Who = { id: 200, name: 'Ann', email: 'ann@example.com' };
const ANN_2: Who = { id: 500, name: 'Ann', email: 'ANN@example.com' };
const BOB: Who = { id: 300, name: 'Bob' };
const CARLA: Who = { id: 400, name: 'Carla' };

const sources: RecordSource[] = [
  {
    // Recording starts in the main room with the host; at 3 s the host moves the bot into Room 1.
    roomKey: 'room-1',
    roomName: 'Room 1',
    botId: 'b1',
    recordingId: 'r1',
    participantEvents: [
      ev('join', HOST, 0),
      ev('leave', HOST, 3),
      ev('join', ANN_1, 3),
      ev('join', BOB, 3),
      ev('leave', ANN_1, 20),
    ],
    transcript: [said(HOST, 1, 'welcome everyone'), said(BOB, 5, 'hello'), said(ANN_1, 9, 'hi Bob')],
  },
  {
    // The first bot crashed at 30 s; its replacement was sent straight into Room 1.
    roomKey: 'room-1',
    roomName: 'Room 1',
    botId: 'b2',
    recordingId: 'r2',
    participantEvents: [ev('join', BOB, 40)],
    transcript: [said(BOB, 42, 'back again')],
  },
  {
    roomKey: 'room-2',
    roomName: 'Room 2',
    botId: 'c1',
    recordingId: 'r3',
    participantEvents: [ev('join', HOST, 0), ev('leave', HOST, 3), ev('join', CARLA, 3), ev('join', ANN_2, 22)],
    transcript: [said(HOST, 1, 'welcome everyone'), said(CARLA, 12, 'anyone here?'), said(ANN_2, 25, 'I moved')],
  },
];
const gaps = [
  {
    roomKey: 'room-1',
    roomName: 'Room 1',
    from: at(30),
    to: at(40),
    reason: 'the bot crashed at Recall; replaced after 10 s',
  },
];

void describe('meeting record', () => {
  const record = mergeRecord(sources, gaps);

  void it('one transcript by absolute time, each line with its room and speaker; main-room speech once', () => {
    assert.deepEqual(
      record.utterances.map((u) => [u.at, u.roomKey, u.roomName, u.speaker, u.participantId, u.text, u.botId]),
      [
        [at(1), null, 'Main room', 'Hana Host', 'p1', 'welcome everyone', 'b1'],
        [at(5), 'room-1', 'Room 1', 'Bob', 'p3', 'hello', 'b1'],
        [at(9), 'room-1', 'Room 1', 'Ann', 'p2', 'hi Bob', 'b1'],
        [at(12), 'room-2', 'Room 2', 'Carla', 'p4', 'anyone here?', 'c1'],
        [at(25), 'room-2', 'Room 2', 'Ann', 'p2', 'I moved', 'c1'],
        [at(42), 'room-1', 'Room 1', 'Bob', 'p3', 'back again', 'b2'],
      ],
    );
    assert.equal(record.utterances[1]!.until, at(5.3));
  });

  void it('one participant timeline: identity across rooms by email (certain) or by name (a guess)', () => {
    assert.deepEqual(record.participants, [
      {
        id: 'p1',
        name: 'Hana Host',
        email: null,
        matchedBy: 'name',
        guess: true,
        stays: [{ roomKey: null, roomName: 'Main room', from: at(0), to: at(3) }],
      },
      {
        id: 'p2',
        name: 'Ann',
        email: 'ann@example.com',
        matchedBy: 'email',
        guess: false,
        stays: [
          { roomKey: 'room-1', roomName: 'Room 1', from: at(3), to: at(20) },
          { roomKey: 'room-2', roomName: 'Room 2', from: at(22), to: null },
        ],
      },
      {
        id: 'p3',
        name: 'Bob',
        email: null,
        matchedBy: 'name',
        guess: true,
        // Still there when the first bot stopped; seen again by its replacement after the gap.
        stays: [
          { roomKey: 'room-1', roomName: 'Room 1', from: at(3), to: null },
          { roomKey: 'room-1', roomName: 'Room 1', from: at(40), to: null },
        ],
      },
      {
        id: 'p4',
        name: 'Carla',
        email: null,
        matchedBy: 'single',
        guess: false,
        stays: [{ roomKey: 'room-2', roomName: 'Room 2', from: at(3), to: null }],
      },
    ]);
  });

  void it('plain text and WebVTT carry the gap where it falls', () => {
    assert.equal(
      transcriptText(record, 'Workshop'),
      [
        'Workshop: merged transcript (times UTC)',
        '',
        '[10:00:01] Main room · Hana Host: welcome everyone',
        '[10:00:05] Room 1 · Bob: hello',
        '[10:00:09] Room 1 · Ann: hi Bob',
        '[10:00:12] Room 2 · Carla: anyone here?',
        '[10:00:25] Room 2 · Ann: I moved',
        '[10:00:30-10:00:40] Room 1 · NOT RECORDED: the bot crashed at Recall; replaced after 10 s',
        '[10:00:42] Room 1 · Bob: back again',
        '',
      ].join('\n'),
    );
    const vtt = transcriptVtt(record);
    assert.ok(vtt.startsWith('WEBVTT\n\nNOTE cue times count from 2026-03-02T10:00:01.000Z\n\n'));
    assert.match(vtt, /\n00:00:04\.000 --> 00:00:04\.300\n<v Bob>\[Room 1\] hello\n/);
    assert.match(
      vtt,
      /\n00:00:29\.000 --> 00:00:39\.000\n\[Room 1 not recorded: the bot crashed at Recall; replaced after 10 s\]\n/,
    );
    assert.equal(
      timelineText(record, 'Workshop').split('\n').slice(2, 6).join('\n'),
      [
        'Hana Host (p1; matched across rooms by name only: a guess)',
        '  10:00:00-10:00:03 Main room',
        'Ann (p2; matched across rooms by email)',
        '  10:00:03-10:00:20 Room 1',
      ].join('\n'),
    );
  });

  void it('a room quiet after the bot arrived is still the room (its words, not its events, say how long)', () => {
    const quiet = mergeRecord(
      [
        {
          roomKey: 'room-3',
          roomName: 'Room 3',
          botId: 'd1',
          recordingId: 'r4',
          participantEvents: [ev('join', HOST, 0), ev('leave', HOST, 2), ev('join', CARLA, 2)],
          transcript: [said(HOST, 1, 'welcome everyone'), said(CARLA, 5, 'quiet here'), said(CARLA, 30, 'still here')],
        },
      ],
      [],
    );
    assert.deepEqual(
      quiet.utterances.map((u) => [u.roomKey, u.text]),
      [
        [null, 'welcome everyone'],
        ['room-3', 'quiet here'],
        ['room-3', 'still here'],
      ],
    );
  });

  void it('unreadable entries are left out and said so, not fatal', () => {
    const partial = mergeRecord(
      [
        {
          roomKey: 'room-3',
          roomName: 'Room 3',
          botId: 'd1',
          recordingId: 'r4',
          transcript: [{ nonsense: true }, said(BOB, 1, 'ok')],
          participantEvents: { not: 'a list' },
        },
      ],
      [],
    );
    assert.deepEqual(
      partial.utterances.map((u) => u.text),
      ['ok'],
    );
    assert.deepEqual(partial.notes, [
      'participant events of Room 3, bot d1: not a list; left out',
      'transcript of Room 3, bot d1: 1 of 2 entries unreadable; left out',
    ]);
  });
});
