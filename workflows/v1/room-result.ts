/** Release 0.1.0's version, used only by workflows/v1 (its decisions must replay unchanged). */
/** How a room's bots ended up, as the room result reports it: pure, so unit-tested and replay-safe. */
import type { BotSummary, RecordingGap } from '../../src/contracts';
import type { TrackedBot } from './bot-tracker';
import { classifyBotEnd } from './classify';

export function describeEnd(bot: TrackedBot | undefined): string {
  if (!bot?.end) return bot ? `bot ${bot.id} stopped reporting` : 'no bot';
  return `${bot.end.code} ${bot.end.subCode ?? '(no sub code)'}`;
}

/** Recall's last status as far as the room knows: `done`, `fatal`, or where a bot still is. */
function statusOf(bot: TrackedBot): string | null {
  if (bot.phase === 'pending') return null;
  if (bot.phase === 'done' || bot.phase === 'fatal') return bot.phase;
  return bot.end?.code ?? bot.phase;
}

export function summarize(bot: TrackedBot): BotSummary {
  const first = bot.spans[0];
  const last = bot.spans.at(-1);
  return {
    id: bot.id,
    attempt: bot.attempt,
    status: statusOf(bot),
    subCode: bot.end?.subCode ?? null,
    breakoutRoom: bot.enteredRoom,
    ...(first?.from ? { recordedFrom: first.from } : {}),
    ...(last?.to ? { recordedUntil: last.to } : {}),
  };
}

/**
 * A bot that recorded and was then lost (not a normal end of the meeting) leaves a gap until the
 * next bot of the room started recording, or an open gap when none did.
 */
export function recordingGaps(bots: TrackedBot[]): RecordingGap[] {
  const gaps: RecordingGap[] = [];
  const recorders = bots.filter((b) => b.spans.length > 0);
  recorders.forEach((bot, i) => {
    if (!bot.end || classifyBotEnd(bot.end.code, bot.end.subCode) === 'finished') return;
    const from = bot.end.at ?? bot.spans.at(-1)?.to ?? null;
    if (!from) return;
    gaps.push({ from, to: recorders[i + 1]?.spans[0]?.from ?? null });
  });
  return gaps;
}
