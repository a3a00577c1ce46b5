/** Meetings through Temporal visibility, by meeting key or execution status. */
import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { MeetingKeySA, RoomsFailedSA, RoomsRecordedSA, RoomsTotalSA } from '../contracts/search-attributes';
import { addressOf } from './connect';
import { InvalidInputError, toClientError } from './errors';
import { MEETING_WORKFLOW_TYPE, MeetingKeySchema } from './meeting-key';

/** The execution states an operator filters by, and their visibility names. */
export const MEETING_STATES = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
} as const;
export type MeetingState = keyof typeof MEETING_STATES;

export interface ListMeetingsOptions {
  state?: MeetingState;
  meetingKey?: string;
  taskQueue?: string;
  /** At most this many, newest first (default 50). */
  limit?: number;
}

export interface MeetingSummary {
  meetingKey: string | null;
  workflowId: string;
  runId: string;
  execution: WorkflowExecutionStatusName;
  startTime: string;
  closeTime: string | null;
  roomsTotal: number | null;
  roomsRecorded: number | null;
  roomsFailed: number | null;
}

/** The visibility query; values are validated, so quoting them is enough. */
export function meetingsQuery(options: Omit<ListMeetingsOptions, 'limit'>): string {
  const clauses = [`WorkflowType = '${MEETING_WORKFLOW_TYPE}'`];
  if (options.state !== undefined) {
    const status = MEETING_STATES[options.state] as string | undefined;
    if (status === undefined) {
      throw new InvalidInputError('state', `must be one of ${Object.keys(MEETING_STATES).join(', ')}`);
    }
    clauses.push(`ExecutionStatus = '${status}'`);
  }
  if (options.meetingKey !== undefined) {
    const parsed = MeetingKeySchema.safeParse(options.meetingKey);
    if (!parsed.success) throw InvalidInputError.fromZod(parsed.error, 'meetingKey');
    clauses.push(`${MeetingKeySA.name} = '${parsed.data}'`);
  }
  if (options.taskQueue !== undefined) clauses.push(`TaskQueue = '${options.taskQueue.replaceAll("'", '')}'`);
  return clauses.join(' AND ');
}

export async function listMeetings(client: Client, options: ListMeetingsOptions = {}): Promise<MeetingSummary[]> {
  const query = meetingsQuery(options);
  const limit = options.limit ?? 50;
  const meetings: MeetingSummary[] = [];
  try {
    for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      const attributes = execution.typedSearchAttributes;
      meetings.push({
        meetingKey: attributes.get(MeetingKeySA) ?? null,
        workflowId: execution.workflowId,
        runId: execution.runId,
        execution: execution.status.name,
        startTime: execution.startTime.toISOString(),
        closeTime: execution.closeTime?.toISOString() ?? null,
        roomsTotal: attributes.get(RoomsTotalSA) ?? null,
        roomsRecorded: attributes.get(RoomsRecordedSA) ?? null,
        roomsFailed: attributes.get(RoomsFailedSA) ?? null,
      });
      if (meetings.length >= limit) break;
    }
  } catch (error) {
    throw toClientError(error, { address: addressOf(client) });
  }
  return meetings;
}
