/**
 * `npm run schema:generate`: writes the JSON Schemas that services in other languages validate
 * against (`schemas/`), generated from the zod contracts. Committed; test/unit/json-schema.test.ts
 * fails when they drift from this output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MeetingInputSchema, MeetingResultSchema } from '../src/contracts/meeting';

export const SCHEMAS_DIR = join(__dirname, '..', 'schemas');

const GENERATED = 'Generated from src/contracts/meeting.ts by `npm run schema:generate`; do not edit.';

/**
 * Draft-07: the draft nearly every validator and code generator in other languages reads. Rules
 * zod checks in code (not expressible here) are in the description; the workflow enforces them.
 */
export function jsonSchemas(): Record<string, string> {
  const input = {
    ...z.toJSONSchema(MeetingInputSchema, { io: 'input', target: 'draft-7' }),
    $id: 'https://breakout-recorder/schemas/meeting-input.schema.json',
    title: 'Breakout Recorder meeting input (meetingWorkflow argument)',
    description: `${GENERATED} Also checked by the workflow: meetingUrl is a Zoom meeting link; exactly one of rooms and roomCount; room keys are unique; at most one of joinAt and scheduleLeadSeconds; endBy is after joinAt.`,
  };
  const result = {
    ...z.toJSONSchema(MeetingResultSchema, { target: 'draft-7' }),
    $id: 'https://breakout-recorder/schemas/meeting-result.schema.json',
    title: 'Breakout Recorder meeting result (meetingWorkflow result, manifest.json)',
    description: GENERATED,
  };
  const text = (schema: object) => `${JSON.stringify(schema, null, 2)}\n`;
  return { 'meeting-input.schema.json': text(input), 'meeting-result.schema.json': text(result) };
}

if (require.main === module) {
  for (const [file, content] of Object.entries(jsonSchemas())) {
    writeFileSync(join(SCHEMAS_DIR, file), content);
    console.log(`wrote schemas/${file}`);
  }
}
