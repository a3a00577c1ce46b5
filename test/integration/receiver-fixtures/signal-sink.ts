/**
 * A stand-in for the room workflow in the receiver's tests: it records every `recallEvent` signal
 * as delivered (no dedupe, so tests can see duplicates) and ends on `leave`, returning them.
 */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import type { RecallEvent } from '../../../src/contracts';
import { leaveSignal, recallEventSignal } from '../../../src/contracts/messages';

export const eventsQuery = defineQuery<RecallEvent[]>('events');

export async function signalSink(): Promise<RecallEvent[]> {
  const events: RecallEvent[] = [];
  let left = false;
  setHandler(recallEventSignal, (event) => void events.push(event));
  setHandler(leaveSignal, () => void (left = true));
  setHandler(eventsQuery, () => events);
  await condition(() => left);
  return events;
}
