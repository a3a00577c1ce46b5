/**
 * Verified deletion of a meeting: the deletion workflow's input, its signal and its receipt. The
 * receipt is the workflow's result and is stored apart from the deleted data (`_receipts/`).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const DELETION_WORKFLOW_TYPE = 'deletionWorkflow';

/** `<meeting workflow ID>/deletion`: one deletion per meeting at a time. */
export function deletionWorkflowId(meetingWorkflowId: string): string {
  return `${meetingWorkflowId}/deletion`;
}

export interface DeletionInput {
  meetingWorkflowId: string;
  /** Wait this long first (retention); `deleteNow` cuts the wait short. */
  delaySeconds?: number;
  reason: 'retention' | 'operator';
}

/** Sent by an operator to a deletion still waiting out its retention: delete now (the receipt then says `operator`). */
export const deleteNowSignal = defineSignal('deleteNow');

export type DeletionStatus = { state: 'waiting'; dueAt: string } | { state: 'deleting' };
export const deletionStatusQuery = defineQuery<DeletionStatus>('status');

/** One bot's media at Recall: what delete_media answered, and what Recall reports afterwards. */
export interface BotMediaDeletion {
  botId: string;
  /** delete_media's HTTP status (404: Recall has no such bot, so nothing to delete). */
  status: number;
  /** Each recording's status code as Recall reports it after the deletion: all `deleted`. */
  recordings: { id: string; status: string }[];
  verifiedAt: string;
}

export interface DeletionReceipt {
  meetingWorkflowId: string;
  reason: DeletionInput['reason'];
  startedAt: string;
  completedAt: string;
  recall: { bots: BotMediaDeletion[] };
  /** Every object removed from the artifact store; a second pass found nothing left. */
  store: { deleted: string[]; verifiedEmptyAt: string };
  receiptUri: string;
}
