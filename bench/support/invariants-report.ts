/**
 * Checks the design's invariants 1-6 after a run of real processes, from the vendor's side (the
 * emulator's audit log), the artifact store, the meeting results and manifests, every workflow
 * history and every process's log, and says which room and bot broke which.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Artifact, MeetingResult, RoomResult } from '../../src/contracts';
import type { AuditBot } from '../../src/emulator';
import { historiesOf } from '../../test/support/histories';
import {
  foreignArtifacts,
  lostRooms,
  orphanBots,
  overlappingLiveBots,
  secretsFound,
  unstoredRecordings,
} from '../../test/support/invariants';

export interface InvariantReport {
  roomsPlanned: number;
  roomsFinished: number;
  roomsLost: number;
  outcomes: Record<string, number>;
  overlappingLiveBots: number;
  orphanBots: number;
  recordingsExpected: number;
  recordingsStored: number;
  checksumMismatches: number;
  secretsFound: number;
  /** Every violation, each naming its room and bot. Empty when every invariant held. */
  violations: { invariant: string; detail: string }[];
}

export interface ReportInput {
  client: Client;
  taskQueue: string;
  /** Room workflow IDs the run planned, per meeting workflow ID. */
  planned: Map<string, string[]>;
  results: MeetingResult[];
  bots: AuditBot[];
  secrets: Record<string, string>;
  logs: { source: string; text: string }[];
}

/**
 * The collector stores `meeting_metadata` from the bot's inline `data` object, written again as
 * indented JSON: it is compared in the vendor's compact form, without the `download_url` that only
 * the emulator adds to `data`. Every other artifact is compared byte for byte.
 */
async function storedDigest(artifact: Artifact): Promise<{ bytes: number; sha256: string } | undefined> {
  let data: Buffer;
  try {
    data = await readFile(fileURLToPath(artifact.uri));
  } catch {
    return undefined;
  }
  if (artifact.kind === 'meeting_metadata') {
    const { download_url: _url, ...fields } = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    data = Buffer.from(JSON.stringify(fields));
  }
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

async function manifestRooms(result: MeetingResult): Promise<RoomResult[]> {
  try {
    return (JSON.parse(await readFile(fileURLToPath(result.manifestUri), 'utf8')) as MeetingResult).rooms;
  } catch {
    return [];
  }
}

export async function checkInvariants(input: ReportInput): Promise<InvariantReport> {
  const rooms = input.results.flatMap((r) => r.rooms);
  const plannedIds = [...input.planned.values()].flat();
  const manifests = (await Promise.all(input.results.map(manifestRooms))).flat();
  const ours = new Set(plannedIds);
  const bots = input.bots.filter((b) => ours.has(b.metadata.workflowId ?? ''));

  const lost = lostRooms(plannedIds, rooms, manifests);
  const overlaps = overlappingLiveBots(bots);
  const orphans = orphanBots(bots).map((id) => {
    const bot = bots.find((b) => b.id === id);
    return `${bot?.metadata.workflowId}: bot ${id} still ${bot?.statuses.at(-1)?.code ?? 'unknown'}`;
  });
  const recordings = await unstoredRecordings(bots, rooms, storedDigest);
  const foreign = foreignArtifacts(bots, rooms);
  const histories = await historiesOf(input.client, input.taskQueue);
  const secrets = secretsFound(input.secrets, [
    ...histories.map((h) => ({ source: `the history of ${h.workflowId}`, text: h.text })),
    ...input.logs,
  ]);

  const outcomes: Record<string, number> = {};
  for (const room of rooms) outcomes[room.outcome] = (outcomes[room.outcome] ?? 0) + 1;
  const violations = [
    ...lost.map((detail) => ({ invariant: '1 no room lost', detail })),
    ...overlaps.map((detail) => ({ invariant: '2 one live bot per room', detail })),
    ...orphans.map((detail) => ({ invariant: '3 no orphan bots', detail })),
    ...recordings.problems.map((detail) => ({ invariant: '4 nothing recorded lost', detail })),
    ...foreign.map((detail) => ({ invariant: '5 room-correct artifacts', detail })),
    ...secrets.map((detail) => ({ invariant: '6 secrets stay in config', detail })),
  ];
  const lostIds = new Set(lost.map((l) => l.split(':')[0]));
  return {
    roomsPlanned: plannedIds.length,
    roomsFinished: plannedIds.length - lostIds.size,
    roomsLost: lostIds.size,
    outcomes,
    overlappingLiveBots: overlaps.length,
    orphanBots: orphans.length,
    recordingsExpected: recordings.expected,
    recordingsStored: recordings.stored,
    checksumMismatches: recordings.problems.filter((p) => p.includes('checksum mismatch')).length,
    secretsFound: secrets.length,
    violations,
  };
}
