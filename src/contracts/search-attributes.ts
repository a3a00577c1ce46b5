import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes for operators in the Temporal Web UI. The dev server's SQLite visibility
 * has 10 Keyword, 3 Int and 3 Text slots per namespace, so this set stays well inside that budget.
 */
export const MeetingKeySA = defineSearchAttributeKey('BreakoutMeetingKey', 'KEYWORD');
export const MeetingWorkflowIdSA = defineSearchAttributeKey('BreakoutMeetingWorkflowId', 'KEYWORD');
export const RoomKeySA = defineSearchAttributeKey('BreakoutRoomKey', 'KEYWORD');
export const RoomStateSA = defineSearchAttributeKey('BreakoutRoomState', 'KEYWORD');
export const BotIdSA = defineSearchAttributeKey('BreakoutBotId', 'KEYWORD');
export const RoomsTotalSA = defineSearchAttributeKey('BreakoutRoomsTotal', 'INT');
export const RoomsRecordedSA = defineSearchAttributeKey('BreakoutRoomsRecorded', 'INT');
export const RoomsFailedSA = defineSearchAttributeKey('BreakoutRoomsFailed', 'INT');

/** Set by the server on runs a Temporal Schedule started: the action's scheduled time. */
export const ScheduledStartTimeSA = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

/** The project's own attributes, registered on the server (the Temporal ones above are built in). */
export const searchAttributeKeys = [
  MeetingKeySA,
  MeetingWorkflowIdSA,
  RoomKeySA,
  RoomStateSA,
  BotIdSA,
  RoomsTotalSA,
  RoomsRecordedSA,
  RoomsFailedSA,
];
