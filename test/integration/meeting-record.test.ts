import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { MeetingResult } from '../../src/contracts';
import type { MergedUtterance, TimelineParticipant } from '../../src/meeting-record/merge';
import { renderStatus } from '../../src/cli/status-table';
import { getMeetingStatus } from '../../src/client';
import { readArtifact, roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Consecutive equal values once: the rooms a person went through, in order. */
const collapse = <T>(values: T[]) => values.filter((v, i) => i === 0 || v !== values[i - 1]);

test('a four-room workshop with people moving between rooms: coverage, one transcript, one timeline', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 480,
    identifiedEmails: true,
    mainRoom: [
      { name: 'Hana Host', isHost: true, lines: ['welcome to the workshop'] },
      { name: 'Mo', email: 'mo@example.com', lines: ['mike visits'] },
    ],
    breakoutRooms: [roomSpec(1), roomSpec(2), roomSpec(3), roomSpec(4)],
    moves: [
      // Main room → breakout → main room, and one person from one breakout room into another.
      { atSeconds: 180, name: 'Mo', to: 'Room 2' },
      { atSeconds: 240, name: 'Bob 1', to: 'Room 4' },
      { atSeconds: 300, name: 'Mo', to: null },
    ],
  });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 4, title: 'Moving workshop' });
  const room3 = `${handle.workflowId}/room/room-3`;
  const first = await waitFor('room 3’s first bot to record for a while', () => {
    const bot = stack.emulator.audit.bots().find((b) => b.metadata.workflowId === room3);
    const recording = bot?.statuses.find((s) => s.code === 'in_call_recording');
    return bot && recording && Date.now() - recording.at > 1500 ? bot : undefined;
  });
  stack.emulator.faults.crashBot(first.id, 'bot_errored');
  const result: MeetingResult = await handle.result();

  // Coverage: every room captured; room 3 says its bot crashed and was replaced, and after how long.
  const coverage = result.coverage!;
  assert.equal(coverage.roomsTotal, 4);
  assert.equal(coverage.roomsCovered, 4);
  assert.match(coverage.summary, /^4 of 4 rooms captured; .* recorded of .* open \(\d+%\)$/);
  assert.ok(coverage.coveredSeconds > 0 && coverage.coveredSeconds < coverage.openSeconds);
  for (const room of coverage.rooms) {
    assert.equal(room.spans[0]?.covered, false, room.key);
    assert.match(room.spans[0].reason!, /^before recording started: bot joining/);
    assert.ok(room.spans.some((s) => s.covered));
  }
  const crashSpans = coverage.rooms[2]!.spans.filter((s) => !s.covered).slice(1);
  assert.equal(crashSpans.length, 1, JSON.stringify(coverage.rooms[2]));
  assert.match(crashSpans[0]!.reason!, /^the bot crashed at Recall; replaced after \d+ s$/);
  assert.match(coverage.rooms[2]!.summary, /; \d+ s: the bot crashed at Recall; replaced after \d+ s/);

  // `breakout status` and GET /meetings/:key (both getMeetingStatus) show the same report.
  const view = await getMeetingStatus(stack.temporal.client, handle.workflowId.slice('meeting/'.length));
  assert.deepEqual(view.coverage, coverage);
  const printed = renderStatus(view);
  assert.ok(printed.includes(`\n\nCoverage: ${coverage.summary}\n`), printed);
  assert.ok(printed.includes(`\n  Room 3 (room-3): ${coverage.rooms[2]!.summary}`), printed);

  // The merged artifacts are in the result and the manifest, with the sha256 and size of their files.
  const record = result.record!;
  assert.deepEqual(
    record.artifacts.map((a) => `${a.kind}.${a.format}`),
    [
      'meeting_transcript.json',
      'meeting_transcript.txt',
      'meeting_transcript.vtt',
      'participant_timeline.json',
      'participant_timeline.txt',
    ],
  );
  const manifest = JSON.parse((await readArtifact(result.manifestUri)).toString()) as MeetingResult;
  assert.deepEqual(manifest.record?.artifacts, record.artifacts);
  assert.deepEqual(manifest.coverage, coverage);
  for (const artifact of record.artifacts) {
    const data = await readArtifact(artifact.uri);
    assert.equal(sha256(data), artifact.sha256, artifact.uri);
    assert.equal(data.length, artifact.bytes);
  }
  const file = async (name: string) =>
    (await readArtifact(record.artifacts.find((a) => a.uri.endsWith(name))!.uri)).toString();

  // One transcript by absolute time; each line spoken in the room its speaker was in.
  const transcript = JSON.parse(await file('meeting-transcript.json')) as {
    utterances: MergedUtterance[];
    gaps: { roomKey: string; from: string; to: string | null; reason: string }[];
  };
  const utterances = transcript.utterances;
  assert.equal(utterances.length, record.utterances);
  assert.deepEqual(
    utterances.map((u) => u.at),
    utterances.map((u) => u.at).sort(),
  );
  const pairs = new Set(utterances.filter((u) => u.roomKey !== null).map((u) => `${u.speaker} @ ${u.roomKey}`));
  assert.deepEqual([...pairs].sort(), [
    'Alice 1 @ room-1',
    'Alice 2 @ room-2',
    'Alice 3 @ room-3',
    'Alice 4 @ room-4',
    'Bob 1 @ room-1',
    'Bob 1 @ room-4',
    'Bob 2 @ room-2',
    'Bob 3 @ room-3',
    'Bob 4 @ room-4',
    'Mo @ room-2',
  ]);
  // What bots heard in the main room before the host moved them is labelled so, once.
  for (const u of utterances.filter((x) => x.roomKey === null)) {
    assert.equal(u.roomName, 'Main room');
    assert.ok(['Hana Host', 'Mo'].includes(u.speaker), u.speaker);
  }
  // Room 3's gap is marked where it falls, and nothing of room 3 was heard inside it.
  assert.equal(transcript.gaps.length, 1);
  const gap = transcript.gaps[0]!;
  assert.equal(gap.roomKey, 'room-3');
  assert.match(gap.reason, /^the bot crashed at Recall; replaced after \d+ s$/);
  assert.ok(
    utterances
      .filter((u) => u.roomKey === 'room-3')
      .every((u) => u.at < gap.from || (gap.to !== null && u.at >= gap.to)),
  );
  const text = await file('meeting-transcript.txt');
  assert.match(text, /^Moving workshop: merged transcript \(times UTC\)\n/);
  assert.match(text, /\] Room 3 · NOT RECORDED: the bot crashed at Recall; replaced after \d+ s\n/);
  assert.equal(text.trimEnd().split('\n').length, 2 + utterances.length + transcript.gaps.length);
  const vtt = await file('meeting-transcript.vtt');
  assert.ok(vtt.startsWith('WEBVTT\n\n'));
  assert.equal(vtt.match(/<v /g)?.length, utterances.length);

  // One participant timeline: Mo kept by email across rooms, Bob 1 matched by name (a guess).
  const timeline = JSON.parse(await file('participant-timeline.json')) as { participants: TimelineParticipant[] };
  const rooms = (name: string) => {
    const p = timeline.participants.find((x) => x.name === name)!;
    return { matchedBy: p.matchedBy, guess: p.guess, rooms: collapse(p.stays.map((s) => s.roomKey)) };
  };
  assert.deepEqual(rooms('Mo'), { matchedBy: 'email', guess: false, rooms: [null, 'room-2'] });
  assert.deepEqual(rooms('Bob 1'), { matchedBy: 'name', guess: true, rooms: ['room-1', 'room-4'] });
  assert.deepEqual(rooms('Hana Host').rooms, [null]);
  for (const n of [1, 2, 3, 4]) assert.deepEqual(rooms(`Alice ${n}`).rooms, [`room-${n}`]);
  assert.deepEqual(rooms('Alice 3').matchedBy, 'name', 'seen by both bots of room 3');
  const mo = timeline.participants.find((x) => x.name === 'Mo')!.stays.find((s) => s.roomKey === 'room-2')!;
  assert.ok(mo.to !== null && Date.parse(mo.to) > Date.parse(mo.from), 'Mo left Room 2 while it was recorded');
  assert.equal(record.participants, timeline.participants.length);
  assert.equal(record.guessedMatches, timeline.participants.filter((p) => p.guess).length);
});

test('meetings ending together build their merged records one at a time, on the record queue', async () => {
  const meetings = [1, 2, 3].map(() =>
    stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] }),
  );
  const handles = await Promise.all(meetings.map((m) => stack.startMeeting({ meetingUrl: m.url, roomCount: 2 })));
  await waitFor('every room recording', () =>
    handles.every((h) =>
      [1, 2].every((n) =>
        stack.emulator.audit
          .bots()
          .some(
            (b) =>
              b.metadata.workflowId === `${h.workflowId}/room/room-${n}` &&
              b.statuses.some((s) => s.code === 'in_call_recording'),
          ),
      ),
    ),
  );
  for (const meeting of meetings) meeting.end();
  const results = await Promise.all(handles.map((h) => h.result()));
  // Built, that is: the files are written (ended this soon, a room may have no utterance yet).
  assert.ok(results.every((r) => (r.record?.artifacts.length ?? 0) > 0));

  const builds = [];
  for (const handle of handles) {
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'buildMeetingRecord',
    );
    assert.equal(scheduled?.activityTaskScheduledEventAttributes?.taskQueue?.name, `${stack.taskQueue}-meeting-record`);
    const at = (type: 'activityTaskStartedEventAttributes' | 'activityTaskCompletedEventAttributes') => {
      const event = events.find((e) => e[type]?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
      return Number(event?.eventTime?.seconds) * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6);
    };
    builds.push({
      started: at('activityTaskStartedEventAttributes'),
      completed: at('activityTaskCompletedEventAttributes'),
    });
  }
  builds.sort((a, b) => a.started - b.started);
  for (let i = 1; i < builds.length; i++) {
    assert.ok(builds[i]!.started >= builds[i - 1]!.completed, `record ${i + 1} started while ${i} was being built`);
  }
});
