/**
 * Merges every room's transcripts and participant events into one meeting record: one transcript
 * ordered by absolute time, each utterance labelled with its room and speaker, and one participant
 * timeline (who was in which room, from when to when). Pure: the activity reads the files, this
 * decides. Zoom gives a participant another id in every room, so identity across rooms is matched
 * on email when Recall has it (calendar-based identification) and otherwise on name: a guess, and
 * the record says so.
 */
import { z } from 'zod';

export const MAIN_ROOM = 'Main room';

const Timestamp = z.object({ absolute: z.union([z.string(), z.number()]).nullish() }).loose();
const Participant = z
  .object({
    id: z.union([z.number(), z.string()]).nullish(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    is_host: z.boolean().nullish(),
  })
  .loose();
const TranscriptEntry = z
  .object({
    participant: Participant,
    words: z.array(z.object({ text: z.string(), start_timestamp: Timestamp, end_timestamp: Timestamp.nullish() })),
  })
  .loose();
const ParticipantEvent = z.object({ action: z.string(), participant: Participant, timestamp: Timestamp }).loose();

/** One bot recording of one room, as stored: the parsed JSON of its transcript and participant events. */
export interface RecordSource {
  roomKey: string;
  roomName: string;
  botId: string;
  recordingId: string;
  transcript?: unknown;
  participantEvents?: unknown;
}

/** A stretch of a room that was not recorded (on Recall's clock, like the utterances). */
export interface RecordGap {
  roomKey: string;
  roomName: string;
  from: string;
  to: string | null;
  reason: string;
}

export interface MergedUtterance {
  at: string;
  until: string;
  /** null: the main room, heard by a bot before it was moved into its breakout room or after. */
  roomKey: string | null;
  roomName: string;
  speaker: string;
  participantId: string;
  text: string;
  botId: string;
}

export interface Stay {
  roomKey: string | null;
  roomName: string;
  from: string;
  /** null: still there when the last recording that saw them stopped. */
  to: string | null;
}

export interface TimelineParticipant {
  id: string;
  name: string;
  email: string | null;
  /**
   * How the stays of several rooms or bots were joined into one person: `email` (certain), `name`
   * (a guess: two people may share a name), or `single` (seen by one recording only).
   */
  matchedBy: 'email' | 'name' | 'single';
  guess: boolean;
  stays: Stay[];
}

export interface MergedRecord {
  utterances: MergedUtterance[];
  participants: TimelineParticipant[];
  gaps: RecordGap[];
  notes: string[];
}

/** Recall's `absolute` is ISO 8601 today; an older schema typed it as epoch seconds. */
function epochMs(ts: z.infer<typeof Timestamp> | null | undefined): number | undefined {
  const value = ts?.absolute;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

const iso = (msValue: number) => new Date(msValue).toISOString();
const normalize = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

interface Place {
  roomKey: string | null;
  roomName: string;
}

/**
 * Where the bot was during its recording. When a bot changes room, Recall's participant events show
 * everyone present leaving and the new room's people joining at one instant; the stretch between
 * such changes where the bot stayed longest is its breakout room, the others the main room (the
 * host moves a bot in seconds after it joins, and a room that closes sends it back briefly).
 */
function placesOf(
  source: RecordSource,
  events: z.infer<typeof ParticipantEvent>[],
  lastSeen: number,
): (at: number) => Place {
  const room: Place = { roomKey: source.roomKey, roomName: source.roomName };
  const main: Place = { roomKey: null, roomName: MAIN_ROOM };
  const timed = events
    .map((e) => ({ e, at: epochMs(e.timestamp) }))
    .filter((x): x is { e: z.infer<typeof ParticipantEvent>; at: number } => x.at !== undefined);
  if (timed.length === 0) return () => room;
  const present = new Set<string>();
  const changes: number[] = [];
  for (let i = 0; i < timed.length;) {
    const at = timed[i]!.at;
    const batch: typeof timed = [];
    while (i < timed.length && timed[i]!.at === at) batch.push(timed[i++]!);
    const leaving = new Set(batch.filter((x) => x.e.action === 'leave').map((x) => String(x.e.participant.id)));
    const joins = batch.filter((x) => x.e.action === 'join');
    if (present.size > 0 && leaving.size >= present.size && [...present].every((p) => leaving.has(p)) && joins.length)
      changes.push(at);
    for (const x of batch) {
      const id = String(x.e.participant.id);
      if (x.e.action === 'join') present.add(id);
      if (x.e.action === 'leave') present.delete(id);
    }
  }
  if (changes.length === 0) return () => room;
  const bounds = [-Infinity, ...changes, Infinity];
  const first = timed[0]!.at;
  // A quiet room has no events after the bot arrived: its stretch lasts until the recording's last word.
  const last = Math.max(timed.at(-1)!.at, lastSeen);
  let longest = 0;
  for (let k = 1; k < bounds.length - 1; k++) {
    const length = (b: number) => Math.min(bounds[b + 1]!, last) - Math.max(bounds[b]!, first);
    if (length(k) > length(longest)) longest = k;
  }
  return (at) => {
    const index = bounds.findIndex((b, k) => k > 0 && at < b) - 1;
    return index === longest ? room : main;
  };
}

/** Assigns meeting-wide participant ids (`p1`, `p2`…) by email, else by name, in order of first appearance. */
class Identities {
  readonly byKey = new Map<string, TimelineParticipant & { sources: Set<string>; first: number }>();

  resolve(source: RecordSource, participant: z.infer<typeof Participant>, at: number): TimelineParticipant {
    const name = participant.name?.trim() || `participant ${String(participant.id ?? '?')}`;
    const email = participant.email?.trim().toLowerCase() || null;
    const key = email ? `email:${email}` : `name:${normalize(name)}`;
    let found = this.byKey.get(key);
    if (!found) {
      found = { id: '', name, email, matchedBy: 'single', guess: false, stays: [], sources: new Set(), first: at };
      this.byKey.set(key, found);
    }
    found.first = Math.min(found.first, at);
    found.sources.add(`${source.botId}/${source.recordingId}`);
    if (found.sources.size > 1) {
      found.matchedBy = email ? 'email' : 'name';
      found.guess = !email;
    }
    return found;
  }

  /** Numbers people by first appearance, so the ids do not depend on the order rooms were read. */
  finish(): void {
    const all = [...this.byKey.values()].sort((a, b) => a.first - b.first || a.name.localeCompare(b.name));
    all.forEach((p, i) => (p.id = `p${i + 1}`));
  }
}

/** Joins overlapping or touching stays of one person in one place (several bots saw the same main room). */
function mergeStays(stays: (Stay & { fromMs: number; toMs: number })[]): Stay[] {
  const sorted = [...stays].sort((a, b) => a.fromMs - b.fromMs || (a.roomKey ?? '').localeCompare(b.roomKey ?? ''));
  const out: (Stay & { fromMs: number; toMs: number })[] = [];
  for (const s of sorted) {
    const same = out.findLast((o) => o.roomKey === s.roomKey && o.roomName === s.roomName);
    if (same && s.fromMs <= same.toMs) {
      // A known end wins over "still there when the recording stopped" at the same instant.
      if (s.toMs > same.toMs || (s.toMs === same.toMs && same.to === null)) {
        same.toMs = s.toMs;
        same.to = s.to;
      }
      continue;
    }
    out.push({ ...s });
  }
  return out.map(({ roomKey, roomName, from, to }) => ({ roomKey, roomName, from, to }));
}

/**
 * Takes the recordings one at a time, keeping only what the record needs of each (its utterances
 * and stays), so a caller can let go of each room's parsed files before it reads the next. For a
 * capacity-bench meeting (20 rooms, 550 KB transcripts) the live heap peaks at 8 MB this way, 20 MB
 * with every room's files parsed at once; the gap grows with the meeting.
 */
export class RecordMerger {
  private readonly notes: string[] = [];
  private readonly people = new Identities();
  private readonly utterances: (MergedUtterance & { atMs: number; participant: TimelineParticipant })[] = [];
  private readonly stays = new Map<TimelineParticipant, (Stay & { fromMs: number; toMs: number })[]>();

  add(source: RecordSource): void {
    const { notes, people, utterances, stays } = this;
    const label = `${source.roomName}, bot ${source.botId}`;
    const events = parseList(source.participantEvents, ParticipantEvent, `participant events of ${label}`, notes);
    const entries = parseList(source.transcript, TranscriptEntry, `transcript of ${label}`, notes);
    const lastSeen =
      Math.max(
        ...events.map((e) => epochMs(e.timestamp) ?? -Infinity),
        ...entries.map((e) => epochMs(e.words.at(-1)?.end_timestamp) ?? -Infinity),
      ) || 0;
    const where = placesOf(source, events, lastSeen);

    for (const entry of entries) {
      const words = entry.words.filter((w) => w.text.trim() !== '');
      const start = epochMs(words[0]?.start_timestamp);
      if (start === undefined) continue;
      const end = epochMs(words.at(-1)?.end_timestamp) ?? start;
      const participant = people.resolve(source, entry.participant, start);
      const place = where(start);
      utterances.push({
        at: iso(start),
        until: iso(end),
        atMs: start,
        roomKey: place.roomKey,
        roomName: place.roomName,
        speaker: participant.name,
        participantId: '',
        participant,
        text: words.map((w) => w.text).join(' '),
        botId: source.botId,
      });
    }

    const open = new Map<string, { participant: TimelineParticipant; from: number; place: Place }>();
    const close = (id: string, at: number, to: string | null) => {
      const o = open.get(id);
      if (!o) return;
      open.delete(id);
      const list = stays.get(o.participant) ?? [];
      list.push({ ...o.place, from: iso(o.from), to, fromMs: o.from, toMs: at });
      stays.set(o.participant, list);
    };
    for (const event of events) {
      const at = epochMs(event.timestamp);
      if (at === undefined) continue;
      const id = String(event.participant.id ?? event.participant.name);
      if (event.action === 'join') {
        close(id, at, iso(at));
        open.set(id, { participant: people.resolve(source, event.participant, at), from: at, place: where(at) });
      } else if (event.action === 'leave') close(id, at, iso(at));
    }
    for (const id of [...open.keys()]) close(id, lastSeen, null);
  }

  finish(gaps: RecordGap[]): MergedRecord {
    const { notes, people, utterances, stays } = this;
    people.finish();
    // The main room is heard by every bot waiting there: one utterance, once.
    const seen = new Set<string>();
    const merged = utterances
      .sort(
        (a, b) =>
          a.atMs - b.atMs || (a.roomKey ?? '').localeCompare(b.roomKey ?? '') || a.speaker.localeCompare(b.speaker),
      )
      .filter((u) => {
        const key = `${u.roomKey ?? ''}|${u.atMs}|${u.participant.id}|${u.text}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map(({ atMs: _atMs, participant, ...u }) => ({ ...u, participantId: participant.id }));

    const participants = [...people.byKey.values()]
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)))
      .map((entry) => {
        const { sources: _sources, first: _first, ...p } = entry;
        return { ...p, stays: mergeStays(stays.get(entry) ?? []) };
      });
    const sortedGaps = [...gaps].sort(
      (a, b) => Date.parse(a.from) - Date.parse(b.from) || a.roomKey.localeCompare(b.roomKey),
    );
    return { utterances: merged, participants, gaps: sortedGaps, notes };
  }
}

export function mergeRecord(sources: RecordSource[], gaps: RecordGap[]): MergedRecord {
  const merger = new RecordMerger();
  for (const source of sources) merger.add(source);
  return merger.finish(gaps);
}

function parseList<T>(value: unknown, schema: z.ZodType<T>, what: string, notes: string[]): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    notes.push(`${what}: not a list; left out`);
    return [];
  }
  const out: T[] = [];
  let bad = 0;
  for (const item of value) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else bad++;
  }
  if (bad > 0) notes.push(`${what}: ${bad} of ${value.length} entries unreadable; left out`);
  return out;
}
