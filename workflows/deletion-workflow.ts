/**
 * Verified deletion of one meeting: every bot's media at Recall (each verified `deleted`), every
 * object in the artifact store (verified empty), then a receipt stored apart from the data and
 * returned. Started by the meeting with its retention as a durable wait, or by an operator
 * (`breakout delete`, the HTTP API), whose `deleteNow` signal cuts a pending wait short.
 */
import { condition, log, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  deleteNowSignal,
  deletionStatusQuery,
  type DeletionInput,
  type DeletionReceipt,
  type DeletionStatus,
} from '../src/contracts/deletion';

/** Retried until the data is gone: Recall or the store being down only delays the deletion. */
const deletionCalls = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function deletionWorkflow(input: DeletionInput): Promise<DeletionReceipt> {
  let now = false;
  let reason = input.reason;
  setHandler(deleteNowSignal, () => {
    now = true;
    reason = 'operator';
  });
  let status: DeletionStatus = { state: 'deleting' };
  setHandler(deletionStatusQuery, () => status);
  if (input.delaySeconds && input.delaySeconds > 0) {
    const due = new Date(Date.now() + input.delaySeconds * 1000).toISOString();
    status = { state: 'waiting', dueAt: due };
    setCurrentDetails(`retention: deleting ${input.meetingWorkflowId} at ${due} (signal deleteNow to delete now)`);
    await condition(() => now, input.delaySeconds * 1000);
  }
  status = { state: 'deleting' };
  const startedAt = new Date().toISOString();
  setCurrentDetails(`deleting ${input.meetingWorkflowId}`);
  const botIds = await deletionCalls.meetingBots({ meetingWorkflowId: input.meetingWorkflowId });
  const bots = await Promise.all(botIds.map((botId) => deletionCalls.deleteBotMedia({ botId })));
  const store = await deletionCalls.deleteStoredMeeting({ meetingWorkflowId: input.meetingWorkflowId });
  const receipt = {
    meetingWorkflowId: input.meetingWorkflowId,
    reason,
    startedAt,
    completedAt: new Date().toISOString(),
    recall: { bots },
    store,
  };
  const receiptUri = await deletionCalls.writeDeletionReceipt(receipt);
  log.info('meeting deleted', {
    meetingWorkflowId: input.meetingWorkflowId,
    bots: bots.length,
    objects: store.deleted.length,
  });
  setCurrentDetails(
    `deleted ${input.meetingWorkflowId}: ${bots.length} bots at Recall, ${store.deleted.length} stored objects`,
  );
  return { ...receipt, receiptUri };
}
