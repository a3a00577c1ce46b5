import type { MeetingView } from '../client';
import type { MeetingCoverage } from '../contracts/coverage';
import { table } from './output';

const since = (iso: string | null, now: number) => {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const m = Math.floor(seconds / 60);
  return `${iso.slice(11, 19)} (${m}m${String(seconds % 60).padStart(2, '0')}s)`;
};

/** The operator's view of a meeting: one line per room. */
export function renderStatus(view: MeetingView, now = Date.now()): string {
  const header = `${view.title ?? view.meetingKey} · ${view.workflowId} · ${view.execution.toLowerCase()}${
    view.state ? ` (${view.state})` : ''
  }`;
  const rows = view.rooms.map((room) => {
    const s = room.status;
    const entered = s?.breakoutRoom ? (s.breakoutRoom.name ?? s.breakoutRoom.id ?? '?') : s ? 'main room' : '-';
    return [
      room.name === room.key ? room.key : `${room.name} (${room.key})`,
      s?.state ?? room.outcome ?? 'not started',
      s?.botId ?? '-',
      s ? `${s.attempt}/${s.maxBots}` : '-',
      since(s?.recordingSince ?? null, now),
      entered,
      room.reason ?? s?.reason ?? '',
    ];
  });
  const rooms = table(['ROOM', 'STATE', 'BOT', 'ATTEMPT', 'RECORDING SINCE', 'BREAKOUT ROOM', 'REASON'], rows);
  return `${header}\n${rooms}${view.coverage ? `\n\n${renderCoverage(view.coverage)}` : ''}`;
}

/** The coverage report as a facilitator reads it: the meeting's line, then one line per room. */
export function renderCoverage(coverage: MeetingCoverage): string {
  const lines = coverage.rooms.map(
    (room) => `  ${room.name === room.key ? room.key : `${room.name} (${room.key})`}: ${room.summary}`,
  );
  return [`Coverage: ${coverage.summary}`, ...lines].join('\n');
}
