import { Command } from 'commander';
import {
  deleteMeeting,
  followUpResult,
  replayNotification,
  type NotifyDeliveryView,
  type StartedFollowUp,
} from '../client';
import type { DeletionReceipt } from '../contracts/deletion';
import { withClient } from './client-context';
import { print } from './output';

interface FollowUpFlags {
  taskQueue?: string;
  wait: boolean;
}

function renderReceipt(receipt: DeletionReceipt): string {
  const media = receipt.recall.bots.map(
    (b) =>
      `  bot ${b.botId}: delete_media ${b.status}, ${b.recordings.length} recording(s) ${b.recordings.map((r) => r.status).join(', ') || '-'}`,
  );
  return [
    `deleted ${receipt.meetingWorkflowId} (${receipt.reason}) at ${receipt.completedAt}`,
    `Recall: ${receipt.recall.bots.length} bot(s)`,
    ...media,
    `store: ${receipt.store.deleted.length} object(s) removed, verified empty at ${receipt.store.verifiedEmptyAt}`,
    `receipt: ${receipt.receiptUri}`,
  ].join('\n');
}

function notifyCommand(): Command {
  const replay = new Command('replay')
    .description("Send a closed meeting's ready callback again (same webhook-id, to its notify URL)")
    .argument('<meetingKey>')
    .option('--room <roomKey>', "replay this room's room.completed instead of meeting.completed")
    .option('--task-queue <queue>', 'worker task queue (default: TEMPORAL_TASK_QUEUE or breakout-recorder)')
    .option('--no-wait', 'return once the delivery workflow started')
    .action(async (meetingKey: string, flags: FollowUpFlags & { room?: string }, command: Command) => {
      await withClient(async (client, config) => {
        const started = await replayNotification(client, meetingKey, {
          taskQueue: flags.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
          ...(flags.room ? { roomKey: flags.room } : {}),
        });
        if (!flags.wait) return print(command, started, () => `delivering: ${started.workflowId}`);
        const delivery = await followUpResult<NotifyDeliveryView>(client, started);
        print(
          command,
          { ...started, delivery },
          () =>
            `${delivery.event} delivered to ${delivery.url}: ${delivery.status} after ${delivery.attempts} attempt(s) (webhook-id ${delivery.webhookId})`,
        );
      });
    });
  return new Command('notify').description('Ready callbacks').addCommand(replay);
}

function deleteCommand(): Command {
  return new Command('delete')
    .description(
      "Delete a closed meeting for good: every bot's media at Recall and everything stored; prints the receipt",
    )
    .argument('<meetingKey>')
    .option('--task-queue <queue>', 'worker task queue (default: TEMPORAL_TASK_QUEUE or breakout-recorder)')
    .option('--no-wait', 'return once the deletion workflow started (or was told to delete now)')
    .action(async (meetingKey: string, flags: FollowUpFlags, command: Command) => {
      await withClient(async (client, config) => {
        const started: StartedFollowUp = await deleteMeeting(client, meetingKey, {
          taskQueue: flags.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
        });
        if (!flags.wait) return print(command, started, () => `deleting: ${started.workflowId}`);
        const receipt = await followUpResult<DeletionReceipt>(client, started);
        print(command, receipt, () => renderReceipt(receipt));
      });
    });
}

export function followUpCommands(): Command[] {
  return [notifyCommand(), deleteCommand()];
}
