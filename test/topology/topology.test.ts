/**
 * The production topology run for real (src/devstack/topology.ts): PostgreSQL-backed Temporal with
 * the schema and search attributes set up by compose's own scripts, MinIO, two workers and two
 * receivers. One worker and one receiver are killed mid-meeting; the others carry every room.
 * A fresh machine builds the Temporal server, its SQL tool and MinIO first (README, "Deployment").
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3_ENVIRONMENT } from '../../src/artifacts/open-store';
import { CONFIG_VARIABLES } from '../../src/config';
import type { MeetingResult } from '../../src/contracts';
import { startTopology, TEMPORAL_SERVER_VERSION, type Topology } from '../../src/devstack/topology';
import { roomSpec } from '../support/stack';
import { waitFor } from '../support/wait';

const ROOT = join(__dirname, '..', '..');
/** The workers pace creates to 6 a minute; the emulated Recall refuses a 9th create within a minute. */
const PACED_PER_MINUTE = 6;
const RECALL_CREATES_PER_MINUTE = 9;
const MEETINGS = 2;
const ROOMS = 5;

let topology: Topology;
let client: Client;

before(async () => {
  topology = await startTopology({
    log: (line) => console.log(`topology: ${line}`),
    createRatePerMinute: PACED_PER_MINUTE,
    emulator: { rateLimits: { create: RECALL_CREATES_PER_MINUTE } },
  });
  await Promise.all([topology.startWorker('worker-1'), topology.startWorker('worker-2')]);
  await topology.startReceiver('receiver-1');
  await topology.startReceiver('receiver-2');
  client = new Client({ connection: await Connection.connect({ address: topology.temporalAddress }) });
});
after(async () => {
  await client?.connection.close();
  await topology?.close();
});

test('the topology shares compose’s app variables, scripts and Temporal minor version', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; environment?: Record<string, unknown>; volumes?: string[] }>;
  };
  const composeWorker = Object.keys(compose.services.worker?.environment ?? {});
  const known = new Set([...CONFIG_VARIABLES, ...S3_ENVIRONMENT]);
  for (const name of Object.keys(topology.appEnv)) assert.ok(known.has(name), `the topology sets unknown ${name}`);
  for (const name of S3_ENVIRONMENT) {
    assert.ok(name in topology.appEnv, `the topology's workers lack ${name}`);
    assert.ok(composeWorker.includes(name), `compose's worker lacks ${name}`);
  }
  assert.ok(composeWorker.includes('ARTIFACTS_URL') && topology.appEnv.ARTIFACTS_URL?.startsWith('s3://'));
  const minor = (version: string) => /(\d+\.\d+)\./.exec(version)?.[1];
  assert.equal(minor(compose.services.temporal?.image ?? ''), minor(TEMPORAL_SERVER_VERSION));
  for (const [job, script] of [
    ['temporal-schema', 'temporal-schema.sh'],
    ['temporal-search-attributes', 'search-attributes.sh'],
  ] as const) {
    assert.ok(
      compose.services[job]?.volumes?.some((v) => v.startsWith(`./scripts/${script}:`)),
      `${job} runs ${script}`,
    );
  }
});

test('meetings across two workers and two receivers: one of each killed mid-meeting, every room recorded once, every artifact in the bucket', async () => {
  const { emulator } = topology;
  const handles = [];
  const meetings = [];
  for (let m = 1; m <= MEETINGS; m += 1) {
    const rooms = Array.from({ length: ROOMS }, (_, i) => roomSpec(m * 10 + i + 1));
    // Long enough for every paced create, kills included; the host ends it once every room records.
    const meeting = emulator.createMeeting({ durationSeconds: 4 * 3600, breakoutRooms: rooms });
    meetings.push(meeting);
    handles.push(
      await client.workflow.start('meetingWorkflow', {
        taskQueue: topology.taskQueue,
        workflowId: `meeting/topology-${m}`,
        args: [{ meetingUrl: meeting.url, roomCount: ROOMS }],
      }),
    );
  }
  // Mid-meeting: bots are recording and more are still to be created at the paced rate.
  await waitFor(
    'a bot recording',
    () => emulator.audit.bots().some((b) => b.statuses.some((s) => s.code === 'in_call_recording')),
    240_000,
  );
  const createdBeforeKill = emulator.audit.bots().length;
  await Promise.all([
    (async () => {
      topology.workers.get('worker-1')!.signal('SIGKILL');
      await topology.workers.get('worker-1')!.exited;
    })(),
    (async () => {
      topology.receivers.get('receiver-1')!.signal('SIGKILL');
      await topology.receivers.get('receiver-1')!.exited;
    })(),
  ]);
  const recording = () =>
    emulator.audit.bots().filter((b) => b.statuses.some((s) => s.code === 'in_call_recording')).length;
  await waitFor('every room recording', () => recording() === MEETINGS * ROOMS, 600_000);
  for (const meeting of meetings) meeting.end();
  const results = (await Promise.all(handles.map((h) => h.result()))) as MeetingResult[];

  assert.ok(createdBeforeKill < MEETINGS * ROOMS, 'every bot was created before the kill');
  const s3 = topology.minio.client();
  try {
    for (const [index, result] of results.entries()) {
      assert.deepEqual(
        result.rooms.map((r) => [r.key, r.outcome]),
        result.rooms.map((r) => [r.key, 'recorded']),
        `meeting ${index + 1}: ${JSON.stringify(result.rooms.map((r) => [r.key, r.outcome, r.reason]))}`,
      );
      assert.equal(result.rooms.length, ROOMS);
      for (const room of result.rooms) {
        const roomId = `meeting/topology-${index + 1}/room/${room.key}`;
        const bots = emulator.audit.bots().filter((b) => b.metadata.workflowId === roomId);
        assert.equal(bots.length, 1, `${roomId} got ${bots.length} bots`);
        assert.ok(
          room.artifacts.some((a) => a.kind === 'video'),
          `${roomId} has no video`,
        );
        for (const artifact of room.artifacts) {
          const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(artifact.uri);
          assert.equal(match?.[1], topology.bucket, artifact.uri);
          const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
          const body = Buffer.from(await object.Body!.transformToByteArray());
          assert.equal(body.length, artifact.bytes, artifact.uri);
          assert.equal(createHash('sha256').update(body).digest('hex'), artifact.sha256, artifact.uri);
          if (body.length > 0) assert.equal(object.Metadata?.sha256, artifact.sha256, `${artifact.uri} metadata`);
        }
      }
    }
  } finally {
    s3.destroy();
  }
  // Paced across both workers by the server, Recall's create limit was never hit.
  const refused = emulator.audit
    .requests()
    .filter((r) => r.method === 'POST' && /\/bot\/?$/.test(r.path) && r.status === 429);
  assert.equal(refused.length, 0, `${refused.length} creates refused with 429`);
  assert.ok(emulator.audit.bots().length > RECALL_CREATES_PER_MINUTE, 'too few creates to test the shared rate');
});
