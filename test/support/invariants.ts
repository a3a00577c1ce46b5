import { ROOM_OUTCOMES, type Artifact, type RoomResult } from '../../src/contracts';
import type { AuditBot } from '../../src/emulator';

/** Invariant 2: at most one live bot per room at any instant, as the emulator (the vendor) saw it. */
export function overlappingLiveBots(bots: AuditBot[]): string[] {
  const byRoom = new Map<string, AuditBot[]>();
  for (const bot of bots) {
    const room = bot.metadata.workflowId ?? '(unknown)';
    byRoom.set(room, [...(byRoom.get(room) ?? []), bot]);
  }
  const overlaps: string[] = [];
  for (const [room, roomBots] of byRoom) {
    const live = roomBots
      .filter((b) => b.liveFrom !== undefined)
      .map((b) => ({ id: b.id, from: b.liveFrom!, until: b.liveUntil ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.from - b.from);
    for (let i = 1; i < live.length; i++) {
      const previous = live[i - 1]!;
      const next = live[i]!;
      if (next.from < previous.until) overlaps.push(`${room}: ${previous.id} still live when ${next.id} went live`);
    }
  }
  return overlaps;
}

/** Invariant 3: every bot created reached done or fatal. */
export function orphanBots(bots: AuditBot[]): string[] {
  return bots.filter((b) => !['done', 'fatal'].includes(b.statuses.at(-1)?.code ?? '')).map((b) => b.id);
}

/** Invariant 1: every planned room ends with an outcome and a reason, in the result and in the manifest. */
export function lostRooms(
  plannedRoomIds: string[],
  results: Pick<RoomResult, 'workflowId' | 'outcome' | 'reason'>[],
  manifestRooms: Pick<RoomResult, 'workflowId' | 'outcome' | 'reason'>[],
): string[] {
  const ended = (rooms: typeof results, id: string) => {
    const room = rooms.find((r) => r.workflowId === id);
    return room !== undefined && ROOM_OUTCOMES.includes(room.outcome) && room.reason.length > 0;
  };
  return plannedRoomIds.flatMap((id) => [
    ...(ended(results, id) ? [] : [`${id}: no outcome and reason in the meeting result`]),
    ...(ended(manifestRooms, id) ? [] : [`${id}: no outcome and reason in manifest.json`]),
  ]);
}

export interface RecordingCheck {
  /** Artifacts the vendor reports for the rooms' bots. */
  expected: number;
  /** Of those, stored with the vendor's size and sha256 (and the stored bytes hash to it). */
  stored: number;
  problems: string[];
}

/**
 * Invariant 4: every artifact of every recording the vendor made for a room's bots is in that
 * room's result with the vendor's size and sha256, and the stored object hashes to it.
 * `storedDigest` reads an artifact back and returns the digest comparable to the vendor's.
 */
export async function unstoredRecordings(
  bots: AuditBot[],
  rooms: Pick<RoomResult, 'workflowId' | 'artifacts'>[],
  storedDigest: (artifact: Artifact) => Promise<{ bytes: number; sha256: string } | undefined>,
): Promise<RecordingCheck> {
  const check: RecordingCheck = { expected: 0, stored: 0, problems: [] };
  for (const room of rooms) {
    for (const bot of bots.filter((b) => b.metadata.workflowId === room.workflowId)) {
      for (const recording of bot.recordings) {
        for (const vendor of recording.artifacts) {
          check.expected++;
          const what = `${room.workflowId}: bot ${bot.id} recording ${recording.id} ${vendor.kind}`;
          const artifact = room.artifacts.find(
            (a) => a.botId === bot.id && a.recordingId === recording.id && a.kind === vendor.kind,
          );
          if (!artifact) {
            check.problems.push(`${what} not stored`);
            continue;
          }
          const digest = await storedDigest(artifact);
          if (!digest) check.problems.push(`${what} missing from the store at ${artifact.uri}`);
          else if (digest.sha256 !== vendor.sha256 || digest.bytes !== vendor.bytes)
            check.problems.push(`${what} checksum mismatch: stored ${digest.bytes} B, vendor ${vendor.bytes} B`);
          else check.stored++;
        }
      }
    }
  }
  return check;
}

/**
 * Invariant 5: a room's artifacts come from its own bots, and those bots recorded in the room's
 * breakout room (by name) and no other.
 */
export function foreignArtifacts(
  bots: AuditBot[],
  rooms: Pick<RoomResult, 'workflowId' | 'name' | 'artifacts'>[],
): string[] {
  const problems: string[] = [];
  for (const room of rooms) {
    for (const botId of new Set(room.artifacts.map((a) => a.botId))) {
      const bot = bots.find((b) => b.id === botId);
      if (bot?.metadata.workflowId !== room.workflowId) {
        problems.push(`${room.workflowId}: artifacts of bot ${botId}, which belongs to ${bot?.metadata.workflowId}`);
        continue;
      }
      const elsewhere = bot.rooms.filter((r) => r.roomName !== null && r.roomName !== room.name);
      for (const r of elsewhere) problems.push(`${room.workflowId}: bot ${botId} was in breakout room "${r.roomName}"`);
    }
  }
  return problems;
}

/** Invariant 6: where each named secret appears among named texts (histories, logs). */
export function secretsFound(secrets: Record<string, string>, texts: { source: string; text: string }[]): string[] {
  return Object.entries(secrets).flatMap(([name, secret]) =>
    texts.filter((t) => t.text.includes(secret)).map((t) => `${name} found in ${t.source}`),
  );
}
