/**
 * The design's invariants as pure checks over what the vendor saw (the emulator's audit log) and what
 * the product reported (results, manifests, the store). Each returns one line per violation, naming
 * the room and the bot, so a failing run says what broke.
 */
import type { Artifact, RoomOutcome, RoomResult } from '../../src/contracts';
import { ROOM_OUTCOMES } from '../../src/contracts';
import type { AuditBot } from '../../src/emulator';

const TERMINAL = ['done', 'fatal'];
const isTerminal = (bot: AuditBot) => TERMINAL.includes(bot.statuses.at(-1)?.code ?? '');

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
    // Against the latest end so far, so a long-lived bot overlapping a later one is not missed.
    let longest = live[0];
    for (const next of live.slice(1)) {
      if (longest && next.from < longest.until)
        overlaps.push(`${room}: ${longest.id} still live when ${next.id} went live`);
      if (!longest || next.until > longest.until) longest = next;
    }
  }
  return overlaps;
}

/** Invariant 3, at one instant: bots that have not reached done or fatal. */
export function orphanBots(bots: AuditBot[]): string[] {
  return bots.filter((b) => !isTerminal(b)).map((b) => b.id);
}

/** When a room workflow (any run of its ID) was open; `closedAt` absent while it runs. */
export interface RunSpan {
  startedAt: number;
  closedAt?: number;
}

/**
 * Invariant 3, against the product's own stop: no bot is live longer than `boundMs` after every run
 * of its room workflow closed (a room must not close and leave its bot in the call). Times are epoch ms;
 * a bot still live is live until `now`.
 */
export function botsAliveAfterRoomClosed(
  bots: AuditBot[],
  runs: Map<string, RunSpan[]>,
  boundMs: number,
  now: number,
): string[] {
  const problems: string[] = [];
  for (const bot of bots) {
    if (bot.liveFrom === undefined) continue;
    const room = bot.metadata.workflowId ?? '(unknown)';
    const spans = runs.get(room) ?? [];
    const until = bot.liveUntil ?? now;
    // The bot must be covered by some run, extended by the bound after it closed.
    let t = bot.liveFrom;
    for (const span of [...spans].sort((a, b) => a.startedAt - b.startedAt)) {
      if (span.startedAt > t) break;
      t = Math.max(t, span.closedAt === undefined ? Number.POSITIVE_INFINITY : span.closedAt + boundMs);
    }
    if (t >= until) continue;
    const state = bot.liveUntil === undefined ? `still ${bot.statuses.at(-1)?.code ?? 'unknown'}` : 'live';
    const lastClose = Math.max(...spans.map((s) => s.closedAt ?? 0).filter((c) => c <= t));
    problems.push(
      Number.isFinite(lastClose) && lastClose > 0
        ? `${room}: bot ${bot.id} ${state} ${((until - lastClose) / 1000).toFixed(1)} s after its room closed`
        : `${room}: bot ${bot.id} ${state} while no run of its room was open`,
    );
  }
  return problems;
}

/** What one run of a room reported: in the result its caller got, and in the manifest on disk. */
export interface RoomReport {
  workflowId: string;
  /** Which run, for messages (such as "run 2" or a run ID). */
  run: string;
  /** When the run started (epoch ms): bots in its result must be this run's, not an earlier run's. */
  startedAt: number;
  result: RoomResult | undefined;
  manifest: RoomResult | undefined;
  /** Outcomes acceptable for this run: a recoverable schedule allows only recorded and partial. */
  allowed: readonly RoomOutcome[];
}

export const RECOVERABLE: readonly RoomOutcome[] = ['recorded', 'partial'];
export const ANY_OUTCOME: readonly RoomOutcome[] = ROOM_OUTCOMES;

/** Invariant 1: every room run ends with an allowed outcome and a reason, in its result and its manifest. */
export function lostRooms(reports: RoomReport[]): string[] {
  const problems: string[] = [];
  for (const report of reports) {
    const who = `${report.workflowId} (${report.run})`;
    for (const [where, room] of [
      ['its result', report.result],
      ['its manifest', report.manifest],
    ] as const) {
      if (!room || !ROOM_OUTCOMES.includes(room.outcome) || room.reason.length === 0)
        problems.push(`${who}: no outcome and reason in ${where}`);
      else if (!report.allowed.includes(room.outcome))
        problems.push(
          `${who}: ${room.outcome} in ${where} ("${room.reason}") where only ${report.allowed.join(' or ')} may be`,
        );
    }
  }
  return problems;
}

export interface Digest {
  bytes: number;
  sha256: string;
}

export interface StoredDigests {
  /** The object's bytes as they are on disk: what an operator checks a manifest's sha256 against. */
  raw: Digest;
  /** The same content in the vendor's form, comparable to the emulator's audit. */
  vendorForm: Digest;
}

export interface RecordingCheck {
  /** Artifacts the vendor reports for the rooms' bots. */
  expected: number;
  /** Of those, stored, with the size and sha256 the result and the manifest report matching the bytes on disk. */
  stored: number;
  /** Vendor artifacts with no stored object (whether or not a room listed it as missing with a reason). */
  missing: string[];
  /** Stored but wrong: content differs from the vendor's, or a result/manifest reports other bytes or sha256. */
  mismatches: string[];
}

/**
 * Invariant 4: every artifact of every recording the vendor made for a room's bots is stored; the
 * bytes on disk are the vendor's; the `bytes` and `sha256` that the room's result and its manifest
 * report are those of the bytes on disk. `digestOf` reads an artifact back, or undefined when absent.
 */
export async function unstoredRecordings(
  bots: AuditBot[],
  reports: RoomReport[],
  digestOf: (artifact: Artifact) => Promise<StoredDigests | undefined>,
): Promise<RecordingCheck> {
  const check: RecordingCheck = { expected: 0, stored: 0, missing: [], mismatches: [] };
  for (const workflowId of new Set(reports.map((r) => r.workflowId))) {
    const runs = reports.filter((r) => r.workflowId === workflowId);
    const find = (from: 'result' | 'manifest', bot: string, recording: string, kind: string) =>
      runs
        .flatMap((r) => r[from]?.artifacts ?? [])
        .find((a) => a.botId === bot && a.recordingId === recording && a.kind === kind);
    for (const bot of bots.filter((b) => b.metadata.workflowId === workflowId)) {
      for (const recording of bot.recordings) {
        for (const vendor of recording.artifacts) {
          check.expected++;
          const what = `${workflowId}: bot ${bot.id} recording ${recording.id} ${vendor.kind}`;
          const inResult = find('result', bot.id, recording.id, vendor.kind);
          const inManifest = find('manifest', bot.id, recording.id, vendor.kind);
          const reported = inResult ?? inManifest;
          if (!reported) {
            const listed = runs
              .flatMap((r) => r.result?.missing ?? [])
              .find(
                (m) => m.botId === bot.id && m.kind === vendor.kind && [recording.id, null].includes(m.recordingId),
              );
            check.missing.push(
              `${what} not stored (${listed ? `listed missing: ${listed.reason}` : 'not listed missing'})`,
            );
            continue;
          }
          const digest = await digestOf(reported);
          if (!digest) {
            check.missing.push(`${what} reported at ${reported.uri} but absent from the store`);
            continue;
          }
          const problems: string[] = [];
          if (digest.vendorForm.sha256 !== vendor.sha256 || digest.vendorForm.bytes !== vendor.bytes)
            problems.push(`stored ${digest.vendorForm.bytes} B differ from the vendor's ${vendor.bytes} B`);
          for (const [where, artifact] of [
            ['the result', inResult],
            ['the manifest', inManifest],
          ] as const) {
            if (!artifact) problems.push(`absent from ${where}`);
            else if (artifact.sha256 !== digest.raw.sha256 || artifact.bytes !== digest.raw.bytes)
              problems.push(
                `${where} reports ${artifact.bytes} B sha256 ${artifact.sha256.slice(0, 12)}…, the file on disk is ${digest.raw.bytes} B sha256 ${digest.raw.sha256.slice(0, 12)}…`,
              );
          }
          if (problems.length > 0) check.mismatches.push(`${what}: ${problems.join('; ')}`);
          else check.stored++;
        }
      }
    }
  }
  return check;
}

/**
 * Invariant 5: a room's artifacts and bots are its own: every bot a run reports belongs to the room and
 * was created by that run (not replayed from an earlier one), and every bot with artifacts entered the
 * room's breakout room (by name) and no other, or never left the main room and the room says so.
 */
export function foreignArtifacts(bots: AuditBot[], reports: RoomReport[]): string[] {
  const problems: string[] = [];
  for (const report of reports) {
    const room = report.result;
    if (!room) continue;
    const who = `${report.workflowId} (${report.run})`;
    const reported = new Set([...room.bots.map((b) => b.id), ...room.artifacts.map((a) => a.botId)]);
    for (const botId of reported) {
      const bot = bots.find((b) => b.id === botId);
      if (bot?.metadata.workflowId !== report.workflowId) {
        problems.push(
          `${who}: bot ${botId}, which belongs to ${bot?.metadata.workflowId ?? 'no room the vendor knows'}`,
        );
        continue;
      }
      if (bot.createdAt < report.startedAt)
        problems.push(
          `${who}: bot ${botId} was created ${((report.startedAt - bot.createdAt) / 1000).toFixed(1)} s before this run started (an earlier run's bot)`,
        );
    }
    for (const botId of new Set(room.artifacts.map((a) => a.botId))) {
      const bot = bots.find((b) => b.id === botId);
      if (bot?.metadata.workflowId !== report.workflowId) continue;
      const breakout = bot.rooms.filter((r) => r.roomName !== null);
      // A bot stopped before the host moved it (a cancelled meeting) recorded the main room: what it
      // recorded is kept, and that is right only if the room says so (the bot reported in no breakout
      // room, and a warning that the recording may be of the main room).
      const saysMainRoom =
        breakout.length === 0 &&
        room.bots.find((b) => b.id === botId)?.breakoutRoom === null &&
        /main room/.test(room.placementWarning ?? '');
      if (!breakout.some((r) => r.roomName === room.name) && !saysMainRoom)
        problems.push(`${who}: artifacts of bot ${botId}, which never entered breakout room "${room.name}"`);
      for (const r of breakout.filter((r) => r.roomName !== room.name))
        problems.push(`${who}: bot ${botId} was in breakout room "${r.roomName}"`);
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
