/**
 * What a meeting starts once its rooms (and then itself) are done: ready callbacks and the
 * retention deletion. Each is a workflow of its own with ParentClosePolicy ABANDON: a receiver that
 * is down, or a retention of months, never keeps the meeting open.
 */
import { CancellationScope, log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { NotifyInput } from '../activities';
import type { ValidMeetingInput } from '../src/contracts';
import { deletionWorkflowId, type DeletionInput } from '../src/contracts/deletion';
import { deletionWorkflow } from './deletion-workflow';
import { notifyWorkflow, notifyWorkflowId } from './notify-workflow';

const DAY_SECONDS = 24 * 60 * 60;

export class MeetingFollowUps {
  readonly #starts: Promise<void>[] = [];

  constructor(
    private readonly meetingWorkflowId: string,
    private readonly input: Pick<ValidMeetingInput, 'notify' | 'retentionDays'>,
  ) {}

  /** A room workflow returned its result (its room.json is stored): `room.completed`, if asked for. */
  roomCompleted(roomKey: string): void {
    const { notify } = this.input;
    if (!notify?.rooms) return;
    const input: NotifyInput = { meetingWorkflowId: this.meetingWorkflowId, event: 'room.completed', roomKey, notify };
    const workflowId = notifyWorkflowId(this.meetingWorkflowId, 'room.completed', roomKey);
    this.#starts.push(this.#start(workflowId, (options) => startChild(notifyWorkflow, { ...options, args: [input] })));
  }

  /** After the meeting manifest is written: `meeting.completed` and the retention deletion; waits for their starts. */
  async meetingCompleted(): Promise<void> {
    const { notify, retentionDays } = this.input;
    if (notify) {
      const input: NotifyInput = { meetingWorkflowId: this.meetingWorkflowId, event: 'meeting.completed', notify };
      const workflowId = notifyWorkflowId(this.meetingWorkflowId, 'meeting.completed');
      this.#starts.push(
        this.#start(workflowId, (options) => startChild(notifyWorkflow, { ...options, args: [input] })),
      );
    }
    if (retentionDays !== undefined) {
      const input: DeletionInput = {
        meetingWorkflowId: this.meetingWorkflowId,
        delaySeconds: Math.round(retentionDays * DAY_SECONDS),
        reason: 'retention',
      };
      const workflowId = deletionWorkflowId(this.meetingWorkflowId);
      this.#starts.push(
        this.#start(workflowId, (options) => startChild(deletionWorkflow, { ...options, args: [input] })),
      );
    }
    await Promise.all(this.#starts);
  }

  /** Started even after the meeting was cancelled; one that already runs (a reset meeting) is left alone. */
  async #start(
    workflowId: string,
    start: (options: { workflowId: string; parentClosePolicy: ParentClosePolicy }) => Promise<unknown>,
  ): Promise<void> {
    try {
      await CancellationScope.nonCancellable(() => start({ workflowId, parentClosePolicy: ParentClosePolicy.ABANDON }));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) log.info('follow-up already started', { workflowId });
      else log.error('could not start follow-up', { workflowId, error: String(err) });
    }
  }
}
