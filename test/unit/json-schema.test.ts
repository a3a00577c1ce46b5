import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { jsonSchemas, SCHEMAS_DIR } from '../../scripts/generate-json-schema';
import { MeetingResultSchema, type MeetingResult } from '../../src/contracts';

const generated = jsonSchemas();

test('the committed JSON Schemas match the zod contracts (run `npm run schema:generate`)', () => {
  for (const [file, content] of Object.entries(generated)) {
    assert.equal(readFileSync(join(SCHEMAS_DIR, file), 'utf8'), content, `schemas/${file} drifted`);
  }
});

/**
 * Validates with a standard JSON Schema validator, as a service in another language would: the
 * one fastify already ships (Ajv, with formats), behind a route whose body schema is the file.
 */
async function validator(file: string) {
  // Fastify's Ajv defaults strip unknown properties and coerce types: a plain validator does neither.
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } } });
  app.post('/', { schema: { body: JSON.parse(generated[file]!) as object } }, () => ({ ok: true }));
  await app.ready();
  return async (body: unknown) => (await app.inject({ method: 'POST', url: '/', payload: body as object })).statusCode;
}

test('meeting inputs: the schema accepts valid ones and rejects what zod rejects field by field', async () => {
  const validate = await validator('meeting-input.schema.json');
  const url = 'https://us02web.zoom.us/j/81234567890?pwd=abc';
  for (const valid of [
    { meetingUrl: url, roomCount: 3 },
    {
      meetingUrl: url,
      rooms: [{ key: 'team-a', name: 'Team A', zoom: { userEmail: 'bot@example.com' } }],
      title: 'Workshop',
      joinAt: '2030-01-07T17:00:00+01:00',
      policy: { maxBotsPerRoom: 3 },
      metadata: { cohort: '7' },
    },
  ]) {
    assert.equal(await validate(valid), 200, JSON.stringify(valid));
  }
  for (const invalid of [
    { roomCount: 3 },
    { meetingUrl: 'not a url', roomCount: 3 },
    { meetingUrl: url, roomCount: 0 },
    { meetingUrl: url, rooms: [{ key: '../etc' }] },
    { meetingUrl: url, roomCount: 2, joinAt: 'tomorrow' },
    { meetingUrl: url, roomCount: 2, colour: 'red' },
    { meetingUrl: url, roomCount: 2, policy: { maxBotsPerRoom: 0 } },
  ]) {
    assert.equal(await validate(invalid), 400, JSON.stringify(invalid));
  }
});

test('meeting results: a result the zod schema accepts passes the JSON Schema', async () => {
  const validate = await validator('meeting-result.schema.json');
  const result: MeetingResult = {
    meetingWorkflowId: 'meeting/abc',
    rooms: [
      {
        key: 'room-1',
        name: 'Room 1',
        workflowId: 'meeting/abc/room/room-1',
        outcome: 'partial',
        reason: 'bot lost mid-meeting; replaced',
        bots: [
          {
            id: 'bot-1',
            attempt: 1,
            status: 'fatal',
            subCode: 'bot_errored',
            breakoutRoom: { id: 'br-1', name: 'Room 1' },
            recordedFrom: '2030-01-07T16:00:00.000Z',
            recordedUntil: '2030-01-07T16:10:00.000Z',
          },
        ],
        artifacts: [
          { kind: 'video', uri: 'file:///a.mp4', bytes: 10, sha256: 'a'.repeat(64), botId: 'bot-1', recordingId: 'r1' },
        ],
        missing: [{ kind: 'transcript', botId: 'bot-1', recordingId: 'r1', reason: 'storage answered 503' }],
        gaps: [{ from: '2030-01-07T16:10:00.000Z', to: null }],
        timeline: [
          { at: '2030-01-07T15:59:00.000Z', state: 'creating_bot' },
          { at: '2030-01-07T16:00:00.000Z', state: 'recording', botId: 'bot-1' },
        ],
        recordingNotices: [{ botId: 'bot-1', breakoutRoom: 'br-1', sentAt: '2030-01-07T16:00:05.000Z' }],
      },
    ],
    counts: { recorded: 0, partial: 1, failed: 0, cancelled: 0 },
    manifestUri: 'file:///manifest.json',
  };
  assert.ok(MeetingResultSchema.safeParse(result).success);
  assert.equal(await validate(result), 200);
  assert.equal(await validate({ ...result, counts: { recorded: 1 } }), 400);
  assert.equal(await validate({ ...result, rooms: [{ ...result.rooms[0], outcome: 'lost' }] }), 400);
});
