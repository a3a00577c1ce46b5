import type { Artifact, BreakoutRoomRef, MissingArtifact, Notify, Transcript } from '../src/contracts';

/** What the room workflow asks for; the activity turns it into Recall's create-bot body. */
export interface CreateBotInput extends FindBotInput {
  idempotencyKey: string;
  meetingUrl: string;
  botName: string;
  joinAt?: string;
  metadata: Record<string, string>;
  transcript: Transcript;
  waitingRoomTimeoutSeconds: number;
  nooneJoinedTimeoutSeconds: number;
  zoom?: { userEmail?: string; zakUrl?: string; joinTokenUrl?: string };
  /** Ask for this Zoom breakout room directly (known from the input or learned from an earlier bot). */
  breakoutRoomId?: string;
}

export interface CreatedBot {
  botId: string;
  /** A live bot of the room was found at Recall and is returned instead of a new one. */
  adopted: boolean;
}

/** Which room's live bot to look for (by the metadata every bot is created with). */
export interface FindBotInput {
  workflowId: string;
  meetingWorkflowId: string;
  /** Bots the room already follows or followed: never adopted again. */
  knownBotIds: string[];
  /** When the room decided it needs a bot (epoch ms): only a listing taken since then can say there is none. */
  decidedAt: number;
  /**
   * The room's first run ID, which its bots carry as `roomRun` in their metadata: a bot of this room
   * (through resets and continue-as-new) is found whatever its state, not only while live. After a
   * create whose answer was lost, the bot it made may already have ended, with recordings to collect.
   */
  createdByRun?: string;
}

export interface BotSnapshot {
  id: string;
  statusChanges: { code: string; subCode: string | null; at: string }[];
}

export interface CollectInput {
  meetingWorkflowId: string;
  roomKey: string;
  botId: string;
  /** Download size limit per artifact. */
  maxBytes?: number;
}

/** What collection got from one bot: every artifact stored (with size and sha256) and every one missing, with why. */
export interface BotCollection {
  botId: string;
  /** Recordings Recall lists for the bot (0: it never recorded). */
  recordings: number;
  artifacts: Artifact[];
  missing: MissingArtifact[];
}

/** `not_dispatched`: a scheduled bot that is neither startable nor deletable yet (405): ask again later. */
export type LeaveResult = 'left' | 'deleted' | 'already_done' | 'not_dispatched';

/** The recording notice one bot posts in the room it is in. */
export interface RecordingNoticeInput {
  botId: string;
  text: string;
  /**
   * The Zoom breakout room the bot is in, when known: part of the idempotency key, so a bot moved
   * to another room can post there too, while retries in one room never post twice.
   */
  breakoutRoomId?: string;
}

export interface RecordingNoticeSent {
  /** When Recall accepted the message (ISO). */
  sentAt: string;
}

export type NotifyEvent = 'meeting.completed' | 'room.completed';

/** One ready callback to deliver: its data is read from the store (the manifests), never carried here. */
export interface NotifyInput {
  meetingWorkflowId: string;
  event: NotifyEvent;
  /** With `room.completed`. */
  roomKey?: string;
  notify: Notify;
  /** Started by an operator, not by the meeting. */
  replay?: boolean;
}

/** What a delivery came to: the receiver's answer (2xx) and how many attempts it took. */
export interface NotifyDelivery {
  webhookId: string;
  event: NotifyEvent;
  /** Origin and path only. */
  url: string;
  status: number;
  attempts: number;
  deliveredAt: string;
}

export type { BreakoutRoomRef };
