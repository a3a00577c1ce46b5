/**
 * What the meeting's reporting step hands to `buildMeetingRecord`: per room, where its bots'
 * transcripts and participant events are stored, what is missing, and its recording gaps with the
 * coverage report's words. Pure, so the same on replay.
 */
import type { MeetingCoverage, MeetingRecordInput, RoomResult } from '../src/contracts';

export function recordInput(
  meetingWorkflowId: string,
  title: string | undefined,
  rooms: RoomResult[],
  coverage: MeetingCoverage,
): MeetingRecordInput {
  return {
    meetingWorkflowId,
    ...(title ? { title } : {}),
    rooms: rooms.map((room) => {
      // Gaps are on Recall's clock, like the transcripts; their words come from the coverage report,
      // whose uncovered stretches after a recording are those same gaps, in the same order.
      const reasons = (coverage.rooms.find((c) => c.key === room.key)?.spans ?? [])
        .filter((s) => !s.covered && s.reason && !s.reason.startsWith('before recording started'))
        .map((s) => s.reason!);
      const recordings = new Map<
        string,
        { botId: string; recordingId: string; transcriptUri?: string; participantEventsUri?: string }
      >();
      for (const a of room.artifacts) {
        if (a.kind !== 'transcript' && a.kind !== 'participant_events') continue;
        const key = `${a.botId}/${a.recordingId}`;
        const entry = recordings.get(key) ?? { botId: a.botId, recordingId: a.recordingId };
        if (a.kind === 'transcript') entry.transcriptUri = a.uri;
        else entry.participantEventsUri = a.uri;
        recordings.set(key, entry);
      }
      return {
        key: room.key,
        name: room.name,
        gaps: room.gaps.map((g, i) => ({ from: g.from, to: g.to, reason: reasons[i] ?? 'the recording stopped' })),
        sources: [...recordings.values()],
        missing: room.missing
          .filter((m) => m.kind === 'transcript' || m.kind === 'participant_events')
          .map((m) => `${m.kind} of bot ${m.botId} missing: ${m.reason}`),
      };
    }),
  };
}
