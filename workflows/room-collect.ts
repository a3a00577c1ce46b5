/**
 * Collecting and reporting: every bot the room ever had is asked for its recordings (the bot's own
 * recordings list is the truth, not the events the room happened to see), each artifact is stored or
 * reported missing with why, and the room's part of the manifest is written, however long the store
 * takes to come back.
 */
import { log } from '@temporalio/workflow';
import type { BotCollection } from '../activities';
import type { RoomOutcome, RoomResult } from '../src/contracts';
import { hasRecorded, reachedCall, type TrackedBot } from './bot-tracker';
import { failureMessage } from './failures';
import type { Room } from './room';
import { collectCalls, durableStoreCalls, storeCalls } from './room-activities';
import { recordingGaps, summarize } from './room-result';

async function collectBot(room: Room, botId: string): Promise<BotCollection> {
  const input = { meetingWorkflowId: room.input.meetingWorkflowId, roomKey: room.input.room.key, botId };
  try {
    return await collectCalls(room.policy).collectArtifacts(input);
  } catch (err) {
    // Collection ran out of time: report what the store holds of this bot and what it could not get.
    const why = failureMessage(err);
    log.error('collection gave up', { botId, error: why });
    try {
      const stored = await storeCalls.storedArtifacts(input);
      return { ...stored, missing: stored.missing.map((m) => ({ ...m, reason: `${m.reason} (gave up: ${why})` })) };
    } catch (storeErr) {
      return {
        botId,
        recordings: 0,
        artifacts: [],
        missing: [
          {
            kind: 'video',
            botId,
            recordingId: null,
            reason: `collection failed: ${why}; store unreadable: ${failureMessage(storeErr)}`,
          },
        ],
      };
    }
  }
}

/** Writes the room's manifest part; a store that keeps failing is retried until it is back. */
async function writeManifest(room: Room, result: RoomResult): Promise<void> {
  const input = { meetingWorkflowId: room.input.meetingWorkflowId, result };
  try {
    await storeCalls.writeRoomManifest(input);
  } catch (err) {
    room.setState('storage_unavailable', failureMessage(err));
    await durableStoreCalls.writeRoomManifest(input);
  }
}

const UNPLACED =
  'no bot of this room was seen entering a breakout room (Recall sent no breakout event for it, and none was asked for by id): anything it recorded may be of the main room';

/**
 * Whether what a bot recorded is known to come from a breakout room: it was seen entering one, or was
 * sent to one by id. Breakout events are not in Recall's documented list, so their absence is only a
 * warning, never a failure: a host who moves bots by name may still have placed them.
 */
function placed(bot: TrackedBot): boolean {
  return bot.enteredRoom !== null || bot.askedRoomId !== undefined;
}

/**
 * The warning for bots in the call that were never known to be in a breakout room. Their recordings
 * are kept (nothing recorded is dropped) but may be of the main room: one that crashed before the
 * host moved it, while its replacement did reach the room, must not pass for the room's.
 */
function unplacedWarning(bots: TrackedBot[]): string | undefined {
  const inCall = bots.filter((b) => !b.deleted && (hasRecorded(b) || reachedCall(b)));
  const unplaced = inCall.filter((b) => !placed(b));
  if (unplaced.length === 0) return undefined;
  if (unplaced.length === inCall.length) return UNPLACED;
  const ids = unplaced.map((b) => b.id).join(', ');
  return `bot ${ids} was not seen entering a breakout room: what it recorded may be of the main room`;
}

function outcomeOf(room: Room, recorded: boolean, complete: boolean): RoomOutcome {
  const { failReason, stopReason } = room.memory;
  if (recorded) return complete && !failReason ? 'recorded' : 'partial';
  return stopReason && !failReason ? 'cancelled' : 'failed';
}

export async function collectAndReport(room: Room): Promise<RoomResult> {
  room.setState('collecting');
  const { bots, failReason, stopReason, finishedReason, placementWarning } = room.memory;
  const collections = await Promise.all(bots.filter((b) => !b.deleted).map((b) => collectBot(room, b.id)));
  const artifacts = collections.flatMap((c) => c.artifacts);
  const missing = collections.flatMap((c) => c.missing);
  const gaps = recordingGaps(bots);
  const recorded = collections.some((c) => c.recordings > 0) || bots.some(hasRecorded);
  const hasVideo = artifacts.some((a) => a.kind === 'video');
  const complete = hasVideo && missing.length === 0 && gaps.length === 0;
  const outcome = outcomeOf(room, recorded, complete);
  const notes = [
    ...missing.map((m) => `${m.kind} of bot ${m.botId} missing: ${m.reason}`),
    ...(recorded && !hasVideo && !missing.some((m) => m.kind === 'video') ? ['no video was recorded'] : []),
  ];
  const lead = failReason ?? stopReason ?? finishedReason ?? (recorded ? 'recorded' : 'no recording');
  const warnings = [placementWarning, unplacedWarning(bots)].filter((w) => w !== undefined);
  const result: RoomResult = {
    key: room.input.room.key,
    name: room.input.room.name,
    workflowId: room.workflowId,
    outcome,
    reason:
      [lead, ...notes].join('; ') +
      (outcome === 'failed' && !failReason && finishedReason ? ' before anything was recorded' : ''),
    bots: bots.map(summarize),
    artifacts,
    missing,
    gaps,
    recordingNotices: room.memory.recordingNotices,
    timeline: room.memory.timeline,
    ...(warnings.length > 0 ? { placementWarning: warnings.join('; ') } : {}),
  };
  await writeManifest(room, result);
  return result;
}
