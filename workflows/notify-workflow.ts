/**
 * One ready callback (`meeting.completed` or `room.completed`), delivered by a retried activity.
 * A workflow of its own, started by the meeting with ParentClosePolicy ABANDON, so a receiver that
 * is down never holds the meeting open; an operator's replay starts another one.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, NotifyDelivery, NotifyInput } from '../activities';

/** Retried for up to three days, backing off to one attempt every ten minutes. */
const deliveryCalls = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export function notifyWorkflowId(meetingWorkflowId: string, event: NotifyInput['event'], roomKey?: string): string {
  return `${meetingWorkflowId}/notify/${event}${roomKey ? `/${roomKey}` : ''}`;
}

export async function notifyWorkflow(input: NotifyInput): Promise<NotifyDelivery> {
  return deliveryCalls.deliverNotification(input);
}
