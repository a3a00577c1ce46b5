/**
 * Message definitions shared by workflows, the webhook receiver, the CLI and client helpers.
 * The wire names are the design's contract: other SDKs and the Web UI use them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RoomResult, RoomSpec } from './meeting';
import type { RecallEvent } from './recall-event';
import type { MeetingStatus, RoomStatus } from './status';

export const recallEventSignal = defineSignal<[RecallEvent]>('recallEvent');
export const leaveSignal = defineSignal<[{ reason?: string }?]>('leave');
export const roomStatusQuery = defineQuery<RoomStatus>('status');
/** A meeting run that is not the room's parent (a reset meeting) asks the room to send it its result. */
export const reportToMeetingSignal = defineSignal('reportToMeeting');

export const meetingStatusQuery = defineQuery<MeetingStatus>('status');
export const addRoomUpdate = defineUpdate<string, [RoomSpec]>('addRoom');
export const closeRoomSignal = defineSignal<[{ key: string; reason?: string }]>('closeRoom');
export const endMeetingSignal = defineSignal<[{ reason?: string }?]>('endMeeting');
/** A room's result, sent by a room the meeting attached to instead of starting it. */
export const roomFinishedSignal = defineSignal<[RoomResult]>('roomFinished');
