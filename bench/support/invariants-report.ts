/**
 * Checks the design's invariants 1-6 after a run of real processes, from the vendor's side (the
 * emulator's audit log), the artifact store, the rooms' results and manifests, every workflow's runs
 * and history, and every process's log, and says which room and bot broke which.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Artifact, RoomResult } from '../../src/contracts';
import type { AuditBot } from '../../src/emulator';
import { historiesOf } from '../../test/support/histories';
import {
  botsAliveAfterRoomClosed,
  foreignArtifacts,
  lostRooms,
  overlappingLiveBots,
  secretsFound,
  unstoredRecordings,
  type RoomReport,
  type RunSpan,
  type StoredDigests,
} from '../../test/support/invariants';

export interface Violation {
  invariant: string;
  detail: string;
}

export interface InvariantReport {
  /** Room runs whose outcome the run expected (a restarted meeting's rooms count once per run). */
  roomsPlanned: number;
  roomsLost: number;
  outcomes: Record<string, number>;
  overlappingLiveBots: number;
  orphanBots: number;
  recordingsExpected: number;
  recordingsStored: number;
  recordingsMissing: number;
  checksumMismatches: number;
  secretsFound: number;
  /** Every violation, each naming its room and bot. Empty when every invariant held. */
  violations: Violation[];
}

export interface ReportInput {
  client: Client;
  taskQueue: string;
  reports: RoomReport[];
  bots: AuditBot[];
  /** Bots still live once the product had been told to end every meeting and `boundMs` passed. */
  liveAfterEnd: string[];
  /** How long after its room closed a bot may still be live (the product's leave, then Recall's). */
  leaveBoundMs: number;
  secrets: Record<string, string>;
  logs: { source: string; text: string }[];
}

const digest = (data: Buffer) => ({ bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });

/**
 * The collector stores `meeting_metadata` from the bot's inline `data` object, written again as
 * indented JSON: its vendor form is the compact JSON without the `download_url` that only the
 * emulator adds to `data`. Every other artifact is the vendor's bytes as they are.
 */
async function storedDigests(artifact: Artifact): Promise<StoredDigests | undefined> {
  let data: Buffer;
  try {
    data = await readFile(fileURLToPath(artifact.uri));
  } catch {
    return undefined;
  }
  if (artifact.kind !== 'meeting_metadata') return { raw: digest(data), vendorForm: digest(data) };
  const { download_url: _url, ...fields } = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  return { raw: digest(data), vendorForm: digest(Buffer.from(JSON.stringify(fields))) };
}

/** Every run of every workflow on the task queue, by workflow ID, from the server's visibility. */
async function runSpans(client: Client, taskQueue: string): Promise<Map<string, RunSpan[]>> {
  const spans = new Map<string, RunSpan[]>();
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const span: RunSpan = { startedAt: run.startTime.getTime() };
    if (run.closeTime) span.closedAt = run.closeTime.getTime();
    spans.set(run.workflowId, [...(spans.get(run.workflowId) ?? []), span]);
  }
  return spans;
}

export async function checkInvariants(input: ReportInput): Promise<InvariantReport> {
  const ours = new Set(input.reports.map((r) => r.workflowId));
  const bots = input.bots.filter((b) => ours.has(b.metadata.workflowId ?? ''));
  const lost = lostRooms(input.reports);
  const overlaps = overlappingLiveBots(bots);
  const afterClose = botsAliveAfterRoomClosed(
    bots,
    await runSpans(input.client, input.taskQueue),
    input.leaveBoundMs,
    Date.now(),
  );
  const recordings = await unstoredRecordings(bots, input.reports, storedDigests);
  const foreign = foreignArtifacts(bots, input.reports);
  const histories = await historiesOf(input.client, input.taskQueue);
  const secrets = secretsFound(input.secrets, [
    ...histories.map((h) => ({ source: `the history of ${h.workflowId}`, text: h.text })),
    ...input.logs,
  ]);

  const outcomes: Record<string, number> = {};
  const reported = (r: RoomReport): RoomResult | undefined => r.result ?? r.manifest;
  for (const r of input.reports) {
    const outcome = reported(r)?.outcome ?? 'unreported';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const orphanIds = new Set([...input.liveAfterEnd, ...afterClose].map((line) => /bot (\S+)/.exec(line)?.[1] ?? line));
  const violations: Violation[] = [
    ...lost.map((detail) => ({ invariant: '1 no room lost', detail })),
    ...overlaps.map((detail) => ({ invariant: '2 one live bot per room', detail })),
    ...input.liveAfterEnd.map((detail) => ({ invariant: '3 no orphan bots (after endMeeting)', detail })),
    ...afterClose.map((detail) => ({ invariant: '3 no orphan bots (after its room closed)', detail })),
    ...recordings.missing.map((detail) => ({ invariant: '4 nothing recorded lost', detail })),
    ...recordings.mismatches.map((detail) => ({ invariant: '4 nothing recorded lost (size, sha256)', detail })),
    ...foreign.map((detail) => ({ invariant: '5 room-correct artifacts', detail })),
    ...secrets.map((detail) => ({ invariant: '6 secrets stay in config', detail })),
  ];
  return {
    roomsPlanned: input.reports.length,
    roomsLost: new Set(lost.map((l) => l.split(': ')[0])).size,
    outcomes,
    overlappingLiveBots: overlaps.length,
    orphanBots: orphanIds.size,
    recordingsExpected: recordings.expected,
    recordingsStored: recordings.stored,
    recordingsMissing: recordings.missing.length,
    checksumMismatches: recordings.mismatches.length,
    secretsFound: secrets.length,
    violations,
  };
}
