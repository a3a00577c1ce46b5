/**
 * The merged record as people read it: plain text and WebVTT for the transcript, plain text for the
 * participant timeline. Gaps are written where they fall, so a silence is never mistaken for one.
 */
import type { MergedRecord, MergedUtterance, RecordGap, TimelineParticipant } from './merge';

/** `10:04:05` in UTC: the record spans one meeting, and every file says the times are UTC. */
const clock = (iso: string) => iso.slice(11, 19);

type Line = { at: number; text: string };

function gapLine(gap: RecordGap): string {
  const until = gap.to ? clock(gap.to) : 'end';
  return `[${clock(gap.from)}-${until}] ${gap.roomName} · NOT RECORDED: ${gap.reason}`;
}

const utteranceLine = (u: MergedUtterance) => `[${clock(u.at)}] ${u.roomName} · ${u.speaker}: ${u.text}`;

export function transcriptText(record: MergedRecord, title: string): string {
  const lines: Line[] = [
    ...record.utterances.map((u) => ({ at: Date.parse(u.at), text: utteranceLine(u) })),
    ...record.gaps.map((g) => ({ at: Date.parse(g.from), text: gapLine(g) })),
  ].sort((a, b) => a.at - b.at);
  const head = [`${title}: merged transcript (times UTC)`, ...record.notes.map((n) => `NOTE: ${n}`), ''];
  return [...head, ...lines.map((l) => l.text)].join('\n') + '\n';
}

/** `HH:MM:SS.mmm` from the start of the record. */
function vttTime(offsetMs: number): string {
  const ms = Math.max(0, Math.round(offsetMs));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

const escapeVtt = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/-->/g, '--&gt;');

/**
 * WebVTT with cue times from the record's first moment (a merged transcript has no single video to
 * align to); the first NOTE gives that moment in UTC. Each cue names its speaker with `<v>` and
 * starts with its room.
 */
export function transcriptVtt(record: MergedRecord): string {
  const starts = [...record.utterances.map((u) => Date.parse(u.at)), ...record.gaps.map((g) => Date.parse(g.from))];
  const origin = starts.length > 0 ? Math.min(...starts) : 0;
  const cues: { at: number; text: string }[] = [
    ...record.utterances.map((u) => ({
      at: Date.parse(u.at),
      text: `${vttTime(Date.parse(u.at) - origin)} --> ${vttTime(Math.max(Date.parse(u.until), Date.parse(u.at) + 1) - origin)}\n<v ${escapeVtt(u.speaker)}>[${escapeVtt(u.roomName)}] ${escapeVtt(u.text)}`,
    })),
    ...record.gaps.map((g) => {
      const to = g.to ? Date.parse(g.to) : Date.parse(g.from) + 1000;
      return {
        at: Date.parse(g.from),
        text: `${vttTime(Date.parse(g.from) - origin)} --> ${vttTime(Math.max(to, Date.parse(g.from) + 1) - origin)}\n[${escapeVtt(g.roomName)} not recorded: ${escapeVtt(g.reason)}]`,
      };
    }),
  ].sort((a, b) => a.at - b.at);
  const head = `WEBVTT\n\nNOTE cue times count from ${origin ? new Date(origin).toISOString() : 'the first utterance'}\n`;
  return [head, ...cues.map((c) => c.text)].join('\n\n') + '\n';
}

function identity(p: TimelineParticipant): string {
  if (p.matchedBy === 'email') return 'matched across rooms by email';
  if (p.matchedBy === 'name') return 'matched across rooms by name only: a guess';
  return 'seen by one recording';
}

export function timelineText(record: MergedRecord, title: string): string {
  const out = [`${title}: participant timeline (times UTC)`, ''];
  for (const p of record.participants) {
    out.push(`${p.name} (${p.id}; ${identity(p)})`);
    for (const s of p.stays) {
      out.push(`  ${clock(s.from)}-${s.to ? clock(s.to) : 'recording end'} ${s.roomName}`);
    }
  }
  return out.join('\n') + '\n';
}
