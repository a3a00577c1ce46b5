/**
 * The meeting's reporting step: the coverage report (pure, from the room results) and the merged
 * meeting record (an activity that reads every room's transcripts and participant events). A record
 * that cannot be built is a note in the result, never a reason to hold back the manifest.
 */
import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MeetingCoverage, MeetingRecord, RoomResult } from '../src/contracts';
import { meetingCoverage } from './coverage';
import { failureMessage } from './failures';
import { recordInput } from './meeting-report';

/**
 * The queue whose workers build one meeting record at a time (see workers/create-workers.ts): a
 * record holds a meeting's utterances in memory, and a hundred meetings ending together must not
 * hold them all at once. Histories from before it name the main queue; the task queue is not part
 * of replay's check, and the main worker still runs the activity for those.
 */
export function meetingRecordTaskQueue(taskQueue: string): string {
  return `${taskQueue}-meeting-record`;
}

function recordCalls() {
  return proxyActivities<Activities>({
    taskQueue: meetingRecordTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
  });
}

/** Histories of meetings that reported before the merged record existed schedule no such activity. */
export const MEETING_RECORD_PATCH = 'meeting-record';

export async function reportMeeting(
  meetingWorkflowId: string,
  title: string | undefined,
  rooms: RoomResult[],
): Promise<{ coverage: MeetingCoverage; record?: MeetingRecord }> {
  const coverage = meetingCoverage(rooms);
  if (!patched(MEETING_RECORD_PATCH)) return { coverage };
  try {
    const record = await recordCalls().buildMeetingRecord(recordInput(meetingWorkflowId, title, rooms, coverage));
    return { coverage, record };
  } catch (err) {
    const why = failureMessage(err);
    log.error('merged meeting record not built', { error: why });
    const note = `the merged transcript and participant timeline could not be built: ${why}`;
    return { coverage, record: { artifacts: [], utterances: 0, participants: 0, guessedMatches: 0, notes: [note] } };
  }
}
