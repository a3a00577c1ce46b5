import { z } from 'zod';

/** Goes into a workflow ID, a URL path segment and a search attribute: no slashes, spaces or quotes. */
export const MeetingKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );

export const MEETING_WORKFLOW_TYPE = 'meetingWorkflow';

/** The design's meeting workflow ID: `meeting/<meetingKey>`. */
export function meetingWorkflowId(meetingKey: string): string {
  return `meeting/${meetingKey}`;
}
