import type { Policy } from '../../src/contracts';
import type { MeetingSpec } from '../../src/emulator';
import { FAST_POLICY } from '../../src/devstack/fast-policy';

/**
 * An emulated meeting whose rooms are named like the workflow plans them for `roomCount` ("Room N"),
 * with two speakers each whose words are unique to their room.
 */
export function benchMeetingSpec(
  rooms: number,
  durationSeconds: number,
  closesAtSeconds?: (room: number) => number | undefined,
): MeetingSpec {
  return {
    durationSeconds,
    mainRoom: [{ name: 'Host', isHost: true, lines: ['welcome everyone'] }],
    breakoutRooms: Array.from({ length: rooms }, (_, i) => {
      const closes = closesAtSeconds?.(i + 1);
      return {
        name: `Room ${i + 1}`,
        ...(closes !== undefined ? { closesAtSeconds: closes } : {}),
        participants: [
          { name: `Alice ${i + 1}`, lines: [`alpha${i + 1} apples`, `alpha${i + 1} arrive`] },
          { name: `Bob ${i + 1}`, lines: [`bravo${i + 1} bananas`] },
        ],
      };
    }),
  };
}

export { FAST_POLICY };

/**
 * For load: webhooks are reliable here, so polling is a backstop at its production cadence while
 * in the call (every poll adds timer and activity events to a room's history).
 */
export const LOAD_POLICY: Partial<Policy> = { ...FAST_POLICY, pollJoiningSeconds: 30, pollInCallSeconds: 300 };
