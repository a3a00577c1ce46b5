/**
 * What an operator does after a meeting: replay a ready callback, delete the meeting (verified,
 * with a receipt). Both run as workflows on the worker's task queue, so they are retried and
 * visible in the Web UI like everything else; these helpers start them.
 */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import {
  DELETION_WORKFLOW_TYPE,
  deleteNowSignal,
  deletionStatusQuery,
  deletionWorkflowId,
  type DeletionInput,
  type DeletionReceipt,
} from '../contracts/deletion';
import type { MeetingInput, Notify } from '../contracts/meeting';
import { call, parseMeetingKey } from './client-call';
import { InvalidInputError, MeetingStillRunningError } from './errors';
import { meetingWorkflowId } from './meeting-key';

export const NOTIFY_WORKFLOW_TYPE = 'notifyWorkflow';

/** The delivery a replay made (the notifyWorkflow's result). */
export interface NotifyDeliveryView {
  webhookId: string;
  event: 'meeting.completed' | 'room.completed';
  url: string;
  status: number;
  attempts: number;
  deliveredAt: string;
}

export interface ReplayOptions {
  taskQueue: string;
  /** Replay this room's `room.completed` instead of `meeting.completed`. */
  roomKey?: string;
}

export interface StartedFollowUp {
  meetingKey: string;
  workflowId: string;
}

/** The meeting's input as it started (decoded through the client's codec): where its notify settings are. */
async function meetingInputOf(client: Client, workflowId: string): Promise<MeetingInput | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, payloads);
  return input as MeetingInput | undefined;
}

async function closedMeeting(client: Client, meetingKey: string): Promise<string> {
  const workflowId = meetingWorkflowId(meetingKey);
  const { status } = await client.workflow.getHandle(workflowId).describe();
  if (status.name === 'RUNNING') throw new MeetingStillRunningError(meetingKey);
  return workflowId;
}

/**
 * Sends a closed meeting's ready callback again, to the URL and with the secret name its input
 * gave, with the same `webhook-id` (receivers deduplicate on it). A new notifyWorkflow per replay;
 * its result is the delivery.
 */
export async function replayNotification(
  client: Client,
  meetingKey: string,
  options: ReplayOptions,
): Promise<StartedFollowUp> {
  const key = parseMeetingKey(meetingKey);
  return call(client, key, async () => {
    const workflowId = await closedMeeting(client, key);
    const notify: Notify | undefined = (await meetingInputOf(client, workflowId))?.notify;
    if (!notify) throw new InvalidInputError('notify', `meeting "${key}" was started without notify settings`);
    const event = options.roomKey ? 'room.completed' : 'meeting.completed';
    const replayId = `${workflowId}/notify/replay/${event}${options.roomKey ? `/${options.roomKey}` : ''}/${Date.now()}`;
    await client.workflow.start(NOTIFY_WORKFLOW_TYPE, {
      workflowId: replayId,
      taskQueue: options.taskQueue,
      args: [
        {
          meetingWorkflowId: workflowId,
          event,
          ...(options.roomKey ? { roomKey: options.roomKey } : {}),
          notify,
          replay: true,
        },
      ],
      staticSummary: `Replay of ${event} for \`${key}\``,
    });
    return { meetingKey: key, workflowId: replayId };
  });
}

/**
 * Deletes a closed meeting now: starts `<meeting>/deletion`, or tells the one waiting out the
 * meeting's retention to delete now. Deleting a deleted meeting again runs again and its receipt
 * shows nothing was left.
 */
export async function deleteMeeting(
  client: Client,
  meetingKey: string,
  options: { taskQueue: string },
): Promise<StartedFollowUp> {
  const key = parseMeetingKey(meetingKey);
  return call(client, key, async () => {
    const meeting = await closedMeeting(client, key);
    const workflowId = deletionWorkflowId(meeting);
    const input: DeletionInput = { meetingWorkflowId: meeting, reason: 'operator' };
    await client.workflow.signalWithStart(DELETION_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [input],
      signal: deleteNowSignal,
      signalArgs: [],
      staticSummary: `Deletion of \`${key}\``,
    });
    return { meetingKey: key, workflowId };
  });
}

/** Waits for a follow-up's result: the delivery of a replay, the receipt of a deletion. */
export async function followUpResult<T extends NotifyDeliveryView | DeletionReceipt>(
  client: Client,
  started: StartedFollowUp,
): Promise<T> {
  return call(client, started.meetingKey, () => client.workflow.getHandle(started.workflowId).result() as Promise<T>);
}

export type DeletionView =
  | { meetingKey: string; workflowId: string; state: 'waiting'; dueAt: string }
  | { meetingKey: string; workflowId: string; state: 'deleting' | 'failed' }
  | { meetingKey: string; workflowId: string; state: 'deleted'; receipt: DeletionReceipt };

/** The meeting's latest deletion: waiting out its retention or deleting, failed, or done with its receipt. */
export async function getDeletion(client: Client, meetingKey: string): Promise<DeletionView> {
  const key = parseMeetingKey(meetingKey);
  return call(client, key, async () => {
    const workflowId = deletionWorkflowId(meetingWorkflowId(key));
    const handle = client.workflow.getHandle<(input: DeletionInput) => Promise<DeletionReceipt>>(workflowId);
    const description = await handle.describe();
    const base = { meetingKey: key, workflowId };
    if (description.status.name === 'COMPLETED') return { ...base, state: 'deleted', receipt: await handle.result() };
    if (description.status.name !== 'RUNNING') return { ...base, state: 'failed' };
    return { ...base, ...(await handle.query(deletionStatusQuery)) };
  });
}
