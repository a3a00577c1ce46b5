/**
 * The demo's scripted workshop: an emulated Zoom meeting whose four breakout rooms each hold a few
 * named people saying lines that belong to their room only, so every room's transcript shows at a
 * glance that it came from the right room.
 */
import type { MeetingInput } from '../contracts';
import { FAST_POLICY } from './fast-policy';
import type { MeetingSpec } from '../emulator';

export const WORKSHOP_TITLE = 'Community repair café: planning workshop';

/** Emulated length of the workshop; the demo's time scale runs it in about a minute. */
export const WORKSHOP_SECONDS = 20 * 60;

/** Emulated seconds per real second: 20 minutes of workshop in one real minute. */
export const DEMO_TIME_SCALE = 20;

interface DemoRoom {
  key: string;
  name: string;
  people: { name: string; lines: string[] }[];
}

/** Order matters: the emulated host moves `BreakoutBot-N` into the N-th breakout room. */
export const DEMO_ROOMS: DemoRoom[] = [
  {
    key: 'electronics',
    name: 'Electronics bench',
    people: [
      {
        name: 'Amara Okafor',
        lines: ['bring a multimeter and spare fuses', 'we test every toaster before it goes home'],
      },
      { name: 'Jonas Weber', lines: ['solder station needs a fume extractor'] },
      { name: 'Mei Tanaka', lines: ['label the lamp cables by voltage'] },
    ],
  },
  {
    key: 'textiles',
    name: 'Textiles and sewing',
    people: [
      {
        name: 'Lucía Fernández',
        lines: ['darning mushrooms for the socks table', 'two sewing machines need new needles'],
      },
      { name: 'Tom Becker', lines: ['zip repairs take the longest'] },
    ],
  },
  {
    key: 'bikes',
    name: 'Bike corner',
    people: [
      { name: 'Sven Larsen', lines: ['puncture kits and tyre levers on the left', 'brake cables come in two lengths'] },
      { name: 'Aisha Rahman', lines: ['we need a second bike stand'] },
      { name: 'Pedro Alves', lines: ['chain oil goes on the rag not the floor'] },
    ],
  },
  {
    key: 'welcome',
    name: 'Welcome desk',
    people: [
      { name: 'Hannah Schmidt', lines: ['every visitor signs the repair log', 'the waiting list opens at ten'] },
      { name: 'Kofi Mensah', lines: ['coffee and cake by donation'] },
    ],
  },
];

/**
 * The emulated Zoom meeting: a facilitator in the main room, the rooms open from the start. She
 * visits the bike corner and comes back, and one person changes tables, so the merged participant
 * timeline shows people moving between rooms.
 */
export function workshopMeetingSpec(): MeetingSpec {
  return {
    durationSeconds: WORKSHOP_SECONDS,
    mainRoom: [{ name: 'Priya Nair (facilitator)', isHost: true, lines: ['ten minutes left in the breakout rooms'] }],
    moves: [
      { atSeconds: 300, name: 'Priya Nair (facilitator)', to: 'Bike corner' },
      { atSeconds: 420, name: 'Tom Becker', to: 'Electronics bench' },
      { atSeconds: 600, name: 'Priya Nair (facilitator)', to: null },
    ],
    breakoutRooms: DEMO_ROOMS.map((room) => ({
      name: room.name,
      participants: room.people.map((p) => ({ name: p.name, lines: p.lines })),
    })),
  };
}

/** The meeting workflow's input: the rooms by key and name, as a starter service would send it. */
export function workshopInput(meetingUrl: string): MeetingInput {
  return {
    meetingUrl,
    title: WORKSHOP_TITLE,
    rooms: DEMO_ROOMS.map((room) => ({ key: room.key, name: room.name })),
    policy: FAST_POLICY,
    metadata: { source: 'npm-run-demo' },
  };
}
