/**
 * The coverage report: per room, when it was recorded and when not, and why, from the room's
 * timeline (every state with the time the room workflow saw it), its bots and its reason. Pure, so
 * unit-tested and the same on replay. Only the room workflow's clock is used: Recall's timestamps
 * come from another clock (the emulator's runs faster), and mixing them would invent gaps.
 */
import type { BotSummary, CoverageSpan, MeetingCoverage, RoomCoverage, RoomResult, RoomState } from '../src/contracts';
import { explainBotEnd } from './classify';

/** From these on the room is no longer trying to record: its bot leaves, it collects, it is done. */
const CLOSING = new Set<RoomState>([
  'leaving',
  'not_leaving',
  'collecting',
  'storage_unavailable',
  'recorded',
  'partial',
  'failed',
  'cancelled',
]);

/** A room that stopped this much before the meeting's last room is said to have closed early. */
const EARLY_CLOSE_MS = 60_000;

const WAITING: Partial<Record<RoomState, string>> = {
  creating_bot: 'bot joining',
  joining: 'bot joining',
  waiting_room: 'bot waiting in the lobby (waiting room)',
  in_call: 'bot in the main room, not yet moved into this breakout room',
  in_room: 'bot in the room but not recording (no permission to record)',
  backoff: 'waiting before the next bot',
};

const ms = (iso: string) => Date.parse(iso);

/** `14 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.floor((s % 3600) / 60);
  return minutes === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${minutes} min`;
}

const percent = (part: number, whole: number) => `${Math.floor((part / whole) * 100)}%`;
const seconds = (fromMs: number, toMs: number) => Math.round(toMs - fromMs) / 1000;

/** How a bot stopped recording, in words, without the "a new bot…" tail of the classification. */
function botEnd(bot: BotSummary | undefined): string {
  if (!bot?.subCode) return 'the bot stopped recording';
  const code = bot.status === 'fatal' ? 'fatal' : 'call_ended';
  return explainBotEnd(code, bot.subCode).reason.split(';')[0]!;
}

/** The room's words for why it stopped, without the per-artifact notes that follow. */
const leadReason = (room: RoomResult) => room.reason.split(';')[0]!.trim();

interface Segment {
  from: number;
  to: number;
  state: RoomState;
  botId?: string;
}

function describeUncovered(
  segments: Segment[],
  before: Segment | undefined,
  after: Segment | undefined,
  room: RoomResult,
): string {
  const waits: string[] = [];
  for (const s of segments) {
    const words = WAITING[s.state];
    if (words && waits.at(-1) !== words) waits.push(words);
  }
  const waiting = waits.join(', then ');
  const bot = (id: string | undefined) => room.bots.find((b) => b.id === id);
  if (before) {
    const ended = botEnd(bot(before.botId));
    const span = seconds(segments[0]!.from, segments.at(-1)!.to);
    if (after && after.botId !== before.botId) return `${ended}; replaced after ${formatDuration(span)}`;
    if (after) return `${ended}; recording again after ${formatDuration(span)}`;
    return `${ended}; not recorded again before the room stopped${waiting ? ` (${waiting})` : ''}`;
  }
  const start = waiting || 'bot not in the room yet';
  if (after) return `before recording started: ${start}`;
  return `never recorded: ${start}; ${leadReason(room)}`;
}

/** One room's coverage, without the meeting-level `closedEarly` note (see {@link meetingCoverage}). */
export function roomCoverage(room: RoomResult): RoomCoverage {
  // Rooms that finished on a release before timelines (a meeting deployed across) have none.
  const recorded: RoomResult['timeline'] | undefined = room.timeline;
  const timeline = [...(recorded ?? [])].sort((a, b) => ms(a.at) - ms(b.at));
  const first = timeline.findIndex((e) => e.state !== 'scheduled');
  const base = { key: room.key, name: room.name };
  if (recorded === undefined) {
    const summary = 'coverage unknown: the room ran on a release that kept no room timeline';
    return { ...base, openFrom: null, openUntil: null, openSeconds: 0, coveredSeconds: 0, spans: [], summary };
  }
  if (first < 0 || CLOSING.has(timeline[first]!.state)) {
    const at = timeline[first]?.at ?? null;
    return {
      ...base,
      openFrom: at,
      openUntil: at,
      openSeconds: 0,
      coveredSeconds: 0,
      spans: [],
      summary: `not covered: ${leadReason(room)}`,
    };
  }
  const closing = timeline.findIndex((e, i) => i > first && CLOSING.has(e.state));
  const last = closing < 0 ? timeline.length - 1 : closing;
  const segments: Segment[] = [];
  for (let i = first; i < last; i++) {
    const entry = timeline[i]!;
    const from = ms(entry.at);
    const to = ms(timeline[i + 1]!.at);
    if (to > from) segments.push({ from, to, state: entry.state, ...(entry.botId ? { botId: entry.botId } : {}) });
  }

  // Runs of recording by one bot are covered; everything between them is one uncovered span.
  const runs: { covered: boolean; segments: Segment[] }[] = [];
  for (const s of segments) {
    const covered = s.state === 'recording';
    const run = runs.at(-1);
    const sameBot = run?.segments.at(-1)?.botId === s.botId;
    if (run && run.covered === covered && (!covered || sameBot)) run.segments.push(s);
    else runs.push({ covered, segments: [s] });
  }
  const spans: CoverageSpan[] = runs.map((run, i) => {
    const from = new Date(run.segments[0]!.from).toISOString();
    const to = new Date(run.segments.at(-1)!.to).toISOString();
    if (run.covered) {
      const botId = run.segments[0]!.botId;
      return { from, to, covered: true, ...(botId ? { botId } : {}) };
    }
    const before = runs[i - 1]?.segments.at(-1);
    const after = runs[i + 1]?.segments[0];
    return { from, to, covered: false, reason: describeUncovered(run.segments, before, after, room) };
  });

  const openFrom = timeline[first]!.at;
  const openUntil = timeline[last]!.at;
  const openSeconds = seconds(ms(openFrom), ms(openUntil));
  const coveredSeconds = spans.filter((s) => s.covered).reduce((sum, s) => sum + seconds(ms(s.from), ms(s.to)), 0);
  const uncovered = spans.filter((s) => !s.covered);
  let summary: string;
  if (coveredSeconds === 0) summary = `not covered: ${uncovered[0]?.reason ?? leadReason(room)}`;
  else {
    summary = `covered ${formatDuration(coveredSeconds)} of ${formatDuration(openSeconds)} (${percent(coveredSeconds, openSeconds)})`;
    if (uncovered.length > 0) {
      const parts = uncovered.map((s) => `${formatDuration(seconds(ms(s.from), ms(s.to)))}: ${s.reason}`);
      summary += `; not covered ${parts.join('; ')}`;
    }
  }
  return { ...base, openFrom, openUntil, openSeconds, coveredSeconds: round3(coveredSeconds), spans, summary };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Every room's coverage and the meeting's totals: covered time over room open time. */
export function meetingCoverage(rooms: RoomResult[]): MeetingCoverage {
  const covered = rooms.map(roomCoverage);
  const lastClose = Math.max(...covered.map((c) => (c.openUntil ? ms(c.openUntil) : -Infinity)));
  for (const [i, c] of covered.entries()) {
    if (!c.openUntil || c.openSeconds === 0) continue;
    const early = lastClose - ms(c.openUntil);
    if (early >= EARLY_CLOSE_MS) {
      c.closedEarly = `room closed early: ${formatDuration(early / 1000)} before the last room (${leadReason(rooms[i]!)})`;
      c.summary += `; ${c.closedEarly}`;
    }
  }
  const openSeconds = round3(covered.reduce((sum, c) => sum + c.openSeconds, 0));
  const coveredSeconds = round3(covered.reduce((sum, c) => sum + c.coveredSeconds, 0));
  const roomsCovered = covered.filter((c) => c.coveredSeconds > 0).length;
  const ratio = openSeconds > 0 ? round3(coveredSeconds / openSeconds) : null;
  const notCovered = covered.filter((c) => c.coveredSeconds === 0).map((c) => `${c.name}: ${c.summary}`);
  const summary =
    `${roomsCovered} of ${rooms.length} rooms captured` +
    (openSeconds > 0
      ? `; ${formatDuration(coveredSeconds)} recorded of ${formatDuration(openSeconds)} open (${percent(coveredSeconds, openSeconds)})`
      : '') +
    notCovered.map((line) => `; ${line}`).join('');
  return { roomsTotal: rooms.length, roomsCovered, openSeconds, coveredSeconds, ratio, summary, rooms: covered };
}
