import type { EmulatedClock } from './clock';
import type { Prng } from './prng';
import type { Scheduled, Scheduler } from './scheduler';
import { Timing } from './timing';
import type { EmulatedMeeting, MeetingSpec, ParticipantSpec } from './types';

/** A human in the emulated meeting. Bots are not people: they never speak and do not see each other. */
export interface Person {
  /** Zoom's small sequential participant id (100, 200, ...), stable across rooms. */
  pid: number;
  name: string;
  email: string | null;
  isHost: boolean;
  lines: string[];
  /** Offset of this person's first line after the meeting start, emulated ms. */
  phaseMs: number;
  confUserId: string;
  /** What Recall reports as the email: null unless the meeting identifies emails (calendar integration). */
  reportedEmail: string | null;
  /** Current room; null is the main room. */
  roomId: string | null;
  /** The breakout room the spec puts this person in once rooms open. */
  assignedRoomId: string | null;
  /** Where the person was, from when (emulated ms); the last segment is open. */
  timeline: { roomId: string | null; from: number; to?: number }[];
}

export interface Room {
  id: string;
  name: string;
  number: number;
  preassignedEmails: string[];
  state: 'pending' | 'open' | 'closed';
}

/** One line a person says, at emulated time `at`. */
export interface Utterance {
  person: Person;
  at: number;
  words: string[];
}

/** What bots in the meeting (waiting or in the call) are told about. */
export interface MeetingObserver {
  roomsOpened(rooms: Room[]): void;
  roomClosed(room: Room): void;
  occupancyChanged(): void;
  meetingEnded(): void;
}

/** A simulated Zoom meeting with breakout rooms, driven by the emulated clock. */
export class Meeting {
  readonly id: string;
  readonly password: string | null;
  readonly uuid: string;
  readonly title: string;
  readonly rooms: Room[];
  readonly people: Person[] = [];
  readonly createdAt: number;
  readonly startAt: number;
  readonly waitingRoom: 'off' | 'admit' | 'never_admit';
  readonly admitAfterSeconds: number;
  readonly hostPlacement: 'by_bot_name' | 'none';
  readonly recordingPermissionDenied: string | undefined;
  readonly identifiedEmails: boolean;
  endedAt: number | undefined;
  private readonly observers = new Set<MeetingObserver>();
  private readonly timers: Scheduled[] = [];

  constructor(
    spec: MeetingSpec,
    private readonly clock: EmulatedClock,
    scheduler: Scheduler,
    prng: Prng,
  ) {
    this.id = spec.id ?? prng.digits(11);
    this.password = spec.password ?? null;
    this.uuid = `${prng.hex(22)}==`;
    this.title = `Zoom meeting ${this.id}`;
    this.waitingRoom = spec.waitingRoom ?? 'off';
    this.admitAfterSeconds = spec.admitAfterSeconds ?? 5;
    this.hostPlacement = spec.hostPlacement ?? 'by_bot_name';
    this.recordingPermissionDenied = spec.recordingPermissionDenied;
    this.identifiedEmails = spec.identifiedEmails ?? false;
    this.createdAt = clock.now();
    this.startAt = this.createdAt + (spec.startsAfterSeconds ?? 0) * 1000;
    this.rooms = spec.breakoutRooms.map((room, i) => ({
      id: room.id ?? prng.uuid().toUpperCase(),
      name: room.name,
      number: i + 1,
      preassignedEmails: (room.preassignedEmails ?? []).map((e) => e.toLowerCase()),
      state: 'pending',
    }));

    const opensAfter = Math.max(spec.breakoutOpensAtSeconds ?? 0, spec.startsAfterSeconds ?? 0);
    const openNow = opensAfter === 0;
    for (const p of spec.mainRoom ?? []) this.addPerson(p, null, null, prng);
    spec.breakoutRooms.forEach((room, i) => {
      const id = this.rooms[i]!.id;
      for (const p of room.participants) this.addPerson(p, id, openNow ? id : null, prng);
    });

    const at = (seconds: number, fn: () => void) => this.timers.push(scheduler.after(clock.realMs(seconds), fn));
    if (openNow) for (const room of this.rooms) room.state = 'open';
    else at(opensAfter, () => this.openRooms());
    spec.breakoutRooms.forEach((room, i) => {
      if (room.closesAtSeconds !== undefined) at(room.closesAtSeconds, () => this.closeRoom(this.rooms[i]!.id));
    });
    for (const move of spec.moves ?? []) {
      if (!this.people.some((p) => p.name === move.name)) throw new Error(`moves: no participant named "${move.name}"`);
      if (move.to !== null && !this.rooms.some((r) => r.name === move.to))
        throw new Error(`moves: no breakout room named "${move.to}"`);
      at(move.atSeconds, () => this.scriptedMove(move.name, move.to));
    }
    at(spec.durationSeconds, () => this.end());
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  get url(): string {
    const query = this.password ? `?pwd=${encodeURIComponent(this.password)}` : '';
    return `https://us02web.zoom.us/j/${this.id}${query}`;
  }

  observe(observer: MeetingObserver): void {
    this.observers.add(observer);
  }

  unobserve(observer: MeetingObserver): void {
    this.observers.delete(observer);
  }

  room(id: string | null): Room | undefined {
    return id === null ? undefined : this.rooms.find((r) => r.id === id);
  }

  peopleIn(roomId: string | null): Person[] {
    if (this.ended) return [];
    return this.people.filter((p) => p.roomId === roomId);
  }

  closeRoom(roomIdOrName: string): void {
    const room = this.rooms.find((r) => r.id === roomIdOrName || r.name === roomIdOrName);
    if (!room || room.state === 'closed' || this.ended) return;
    const wasOpen = room.state === 'open';
    room.state = 'closed';
    if (!wasOpen) return;
    const now = this.clock.now();
    for (const p of this.people) if (p.roomId === room.id) this.move(p, null, now);
    for (const o of [...this.observers]) o.roomClosed(room);
    this.notifyOccupancy();
  }

  end(): void {
    if (this.ended) return;
    const now = this.clock.now();
    this.endedAt = now;
    for (const t of this.timers) t.cancel();
    for (const p of this.people) {
      const last = p.timeline[p.timeline.length - 1];
      if (last && last.to === undefined) last.to = now;
    }
    for (const o of [...this.observers]) o.meetingEnded();
    this.observers.clear();
  }

  /** What {@link MeetingSpec} callers get back. */
  handle(): EmulatedMeeting {
    return {
      id: this.id,
      url: this.url,
      rooms: this.rooms.map((r) => ({ id: r.id, name: r.name })),
      end: () => this.end(),
      closeRoom: (roomIdOrName: string) => this.closeRoom(roomIdOrName),
    };
  }

  /**
   * Every line spoken in `roomId` during [from, to) (emulated ms), in time order. Speech is a pure
   * function of the clock (person k says line i at start + phase_k + i·period) instead of a timer
   * per line, so thousands of bots cost nothing until a recording is finalized.
   */
  utterances(roomId: string | null, from: number, to: number): Utterance[] {
    const period = Timing.speechPeriodSeconds * 1000;
    const until = Math.min(to, this.endedAt ?? Infinity);
    const out: Utterance[] = [];
    for (const person of this.people) {
      if (person.lines.length === 0) continue;
      for (const seg of person.timeline) {
        if (seg.roomId !== roomId) continue;
        const a = Math.max(from, seg.from);
        const b = Math.min(until, seg.to ?? Infinity);
        if (a >= b) continue;
        const origin = this.startAt + person.phaseMs;
        for (let i = Math.max(0, Math.ceil((a - origin) / period)); ; i++) {
          const at = origin + i * period;
          if (at >= b) break;
          if (at < a) continue;
          out.push({ person, at, words: person.lines[i % person.lines.length]!.split(/\s+/).filter(Boolean) });
        }
      }
    }
    return out.sort((x, y) => x.at - y.at || x.person.pid - y.person.pid);
  }

  private addPerson(spec: ParticipantSpec, assignedRoomId: string | null, roomId: string | null, prng: Prng): void {
    const index = this.people.length;
    this.people.push({
      pid: (index + 1) * 100,
      name: spec.name,
      email: spec.email ?? null,
      isHost: spec.isHost ?? false,
      lines: spec.lines ?? [],
      // Staggered so that people in one room take turns instead of talking over each other.
      phaseMs: ((index * 1300) % (Timing.speechPeriodSeconds * 1000)) + 500,
      confUserId: prng.hex(16),
      reportedEmail: this.identifiedEmails ? (spec.email ?? null) : null,
      roomId,
      assignedRoomId,
      timeline: [{ roomId, from: this.startAt }],
    });
  }

  private openRooms(): void {
    if (this.ended) return;
    const now = this.clock.now();
    const opened = this.rooms.filter((r) => r.state === 'pending');
    for (const room of opened) room.state = 'open';
    for (const p of this.people) {
      if (p.assignedRoomId !== null && this.room(p.assignedRoomId)?.state === 'open')
        this.move(p, p.assignedRoomId, now);
    }
    for (const o of [...this.observers]) o.roomsOpened(opened);
    this.notifyOccupancy();
  }

  /** A {@link MeetingSpec.moves} entry: the host (or the person) moves someone between rooms. */
  private scriptedMove(name: string, to: string | null): void {
    const person = this.people.find((p) => p.name === name);
    const room = to === null ? undefined : this.rooms.find((r) => r.name === to);
    if (this.ended || !person || room?.state === 'closed') return;
    person.assignedRoomId = room?.id ?? null;
    if (room?.state === 'pending') return;
    const roomId = room?.id ?? null;
    if (person.roomId === roomId) return;
    this.move(person, roomId, this.clock.now());
    this.notifyOccupancy();
  }

  private move(person: Person, roomId: string | null, at: number): void {
    const last = person.timeline[person.timeline.length - 1];
    if (last) last.to = at;
    person.roomId = roomId;
    person.timeline.push({ roomId, from: at });
  }

  private notifyOccupancy(): void {
    for (const o of [...this.observers]) o.occupancyChanged();
  }
}
