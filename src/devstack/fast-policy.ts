import type { Policy } from '../contracts/policy';

/**
 * Polls and backoffs in real seconds, short enough for emulated meetings that run at a high time
 * scale (the demo, the tests, chaos runs and benchmarks): an hour-long workshop lasts a minute there.
 */
export const FAST_POLICY: Partial<Policy> = {
  maxBotsPerRoom: 5,
  backoffInitialSeconds: 1,
  backoffMaxSeconds: 3,
  pollJoiningSeconds: 3,
  pollInCallSeconds: 5,
  leaveTimeoutSeconds: 30,
  poolExhaustedRetrySeconds: 2,
  mediaTimeoutSeconds: 300,
};
