import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { readArtifact, roomSpec, startStack, type Stack } from '../support/stack';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

interface TranscriptPart {
  words: { text: string }[];
}

test('four rooms are recorded, each transcript holds only its own room, every checksum matches', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 240,
    breakoutRooms: [1, 2, 3, 4].map((n) => roomSpec(n)),
  });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 4, title: 'Happy path' });
  const result = await handle.result();

  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome]),
    [1, 2, 3, 4].map((n) => [`room-${n}`, 'recorded']),
  );
  assert.deepEqual(result.counts, { recorded: 4, partial: 0, failed: 0, cancelled: 0 });

  const audit = stack.emulator.audit.bots();
  assert.equal(audit.length, 4, 'one bot per room');
  for (const room of result.rooms) {
    assert.equal(room.workflowId, `${handle.workflowId}/room/${room.key}`);
    assert.equal(room.bots.length, 1);
    const n = room.key.split('-')[1];
    const bot = audit.find((b) => b.id === room.bots[0]?.id);
    assert.ok(bot, `bot of ${room.key} is in the audit log`);
    assert.deepEqual(room.bots[0]?.breakoutRoom?.name, `Room ${n}`);

    const kinds = room.artifacts.map((a) => a.kind).sort();
    assert.deepEqual(kinds, [
      'meeting_metadata',
      'participant_events',
      'participants',
      'speaker_timeline',
      'transcript',
      'video',
    ]);
    for (const artifact of room.artifacts) {
      const bytes = await readArtifact(artifact.uri);
      assert.equal(bytes.length, artifact.bytes);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), artifact.sha256);
      assert.equal(artifact.botId, bot.id);
      const expected: { sha256: string } | undefined = bot.recordings
        .flatMap((r) => r.artifacts)
        .find((a) => a.kind === artifact.kind);
      if (artifact.kind !== 'meeting_metadata')
        assert.equal(artifact.sha256, expected?.sha256, `${room.key} ${artifact.kind}`);
    }

    const transcript = room.artifacts.find((a) => a.kind === 'transcript');
    assert.ok(transcript);
    const parts = JSON.parse((await readArtifact(transcript.uri)).toString('utf8')) as TranscriptPart[];
    const words = parts.flatMap((p) => p.words.map((w) => w.text));
    assert.ok(words.length > 0, `${room.key} transcript has words`);
    assert.deepEqual(words, bot.spokenWords);
    const foreign = words.filter((w) => /\d/.test(w) && !w.endsWith(n ?? ''));
    assert.deepEqual(foreign, [], `${room.key} transcript holds only its own room's words`);
  }
  const manifest = JSON.parse((await readArtifact(result.manifestUri)).toString('utf8')) as { rooms: unknown[] };
  assert.equal(manifest.rooms.length, 4);
});
