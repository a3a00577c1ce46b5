/** The demo's closing report: outcome per room, artifact paths, gaps, and whether the demo passed. */
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCoverage } from '../cli/status-table';
import type { Artifact, MeetingResult, RoomResult } from '../contracts';

export interface DemoVerdict {
  ok: boolean;
  lines: string[];
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function pathOf(uri: string): string {
  return relative(process.cwd(), fileURLToPath(uri)) || '.';
}

function seconds(from: string, to: string | null): string {
  return to ? `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s` : 'until the end';
}

/** One line per bot directory: where its files are, and each file's size. */
function artifactLines(artifacts: Artifact[]): string[] {
  const byDir = new Map<string, Artifact[]>();
  for (const a of artifacts) {
    const dir = dirname(pathOf(a.uri));
    byDir.set(dir, [...(byDir.get(dir) ?? []), a]);
  }
  return [...byDir].map(
    ([dir, files]) =>
      `      ${dir}/  ${files.map((a) => `${pathOf(a.uri).slice(dir.length + 1)} ${size(a.bytes)}`).join(', ')}`,
  );
}

/**
 * Whether a room counts as recorded. A `partial` room counts only when it is the room whose bot the
 * demo crashed on purpose and both sides of the gap were collected: the gap is the fault injected,
 * and the point of the demo is that the replacement recorded the rest.
 */
function roomPassed(room: RoomResult, crashedRoom: string | null): boolean {
  if (room.outcome === 'recorded') return true;
  const botsWithVideo = new Set(room.artifacts.filter((a) => a.kind === 'video').map((a) => a.botId));
  return room.outcome === 'partial' && room.key === crashedRoom && botsWithVideo.size >= 2;
}

export function summarize(result: MeetingResult, crashedRoom: string | null): DemoVerdict {
  const lines: string[] = [];
  let ok = true;
  for (const room of result.rooms) {
    const passed = roomPassed(room, crashedRoom);
    ok &&= passed;
    const bots = room.bots.map((b) => `#${b.attempt} ${b.status ?? '?'}${b.subCode ? `/${b.subCode}` : ''}`);
    const note = room.outcome === 'partial' && passed ? '  = recorded with a gap (bot crashed on purpose)' : '';
    lines.push(`  ${passed ? 'ok  ' : 'FAIL'} ${room.key.padEnd(12)} ${room.outcome.padEnd(9)} ${room.reason}${note}`);
    lines.push(`      bots: ${bots.join(', ') || 'none'}`);
    for (const gap of room.gaps)
      lines.push(`      gap: ${gap.from} -> ${gap.to ?? 'end'} (${seconds(gap.from, gap.to)})`);
    if (room.placementWarning) lines.push(`      placement: ${room.placementWarning}`);
    lines.push(...artifactLines(room.artifacts));
  }
  if (result.coverage) lines.push('', ...renderCoverage(result.coverage).split('\n'));
  if (result.record) {
    const { record } = result;
    lines.push(
      '',
      `Meeting record: ${record.utterances} utterances, ${record.participants} participants (${record.guessedMatches} matched across rooms by name only: a guess)`,
      ...record.artifacts.map((a) => `      ${pathOf(a.uri)} ${size(a.bytes)}`),
      ...record.notes.map((n) => `      note: ${n}`),
    );
  }
  return { ok, lines };
}

export function manifestPath(result: MeetingResult): string {
  return pathOf(result.manifestUri);
}
