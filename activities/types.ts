import type { Artifact, BreakoutRoomRef, MissingArtifact, Transcript } from '../src/contracts';

/** What the room workflow asks for; the activity turns it into Recall's create-bot body. */
export interface CreateBotInput {
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

export type LeaveResult = 'left' | 'deleted' | 'already_done';

export type { BreakoutRoomRef };
