/**
 * Continue-as-new for rooms: a long workshop, a bot polled for hours or a webhook storm would grow one
 * run's history towards Temporal's limits (a warning at 10,240 events, termination at 51,200 events or
 * 10,000 signals). At a quiet point the room hands its whole state to a new run of the same workflow
 * ID; the meeting's child handle follows the chain, so the meeting still gets the result.
 */
import { allHandlersFinished, condition, continueAsNew, log, workflowInfo } from '@temporalio/workflow';
import type { Room } from './room';
import type { roomWorkflow } from './room-workflow';

/**
 * Due when Temporal suggests it or the history reached the policy's bound. The history length is as of
 * the start of the current workflow task, so the events delivered since count too: a burst of signals
 * (a backlog after an outage) must not carry a run past the bound inside one task.
 */
export function handoverDue(room: Room): boolean {
  const info = workflowInfo();
  const events = Math.max(info.historyLength, room.eventsThisRun);
  return info.continueAsNewSuggested || events >= room.policy.continueAsNewAfterEvents;
}

/** Hands over at once if due; call it only where no activity of the room is outstanding. */
export async function handOverIfDue(room: Room): Promise<void> {
  if (!handoverDue(room)) return;
  // Signals that arrive meanwhile make Temporal refuse the hand-over and run them first; handlers
  // still running must finish here, or their effect would be lost.
  await condition(allHandlersFinished);
  log.info('continuing as new', { historyLength: workflowInfo().historyLength, bots: room.memory.bots.length });
  await continueAsNew<typeof roomWorkflow>(room.input, room.carry());
}
