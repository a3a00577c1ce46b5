/**
 * The demo's live view of a meeting's rooms. On a terminal it redraws one compact table in place;
 * piped into a file or CI log it prints one line per room change instead, which reads better there.
 */
import type { RoomStatus } from '../contracts';

export interface RoomRow {
  room: string;
  state: string;
  bot: string;
  breakoutRoom: string;
  reason: string;
}

const COLUMNS: { title: string; key: keyof RoomRow; max: number }[] = [
  { title: 'ROOM', key: 'room', max: 14 },
  { title: 'STATE', key: 'state', max: 12 },
  { title: 'BOT', key: 'bot', max: 5 },
  { title: 'BREAKOUT ROOM', key: 'breakoutRoom', max: 22 },
  { title: 'REASON', key: 'reason', max: 60 },
];

/** A room's row; `null` while the room workflow is not started yet or not answering queries. */
export function roomRow(key: string, status: RoomStatus | null): RoomRow {
  if (!status) return { room: key, state: 'starting', bot: '-', breakoutRoom: '-', reason: '' };
  const entered = status.breakoutRoom;
  return {
    room: key,
    state: status.state,
    bot: `${status.attempt}/${status.maxBots}`,
    breakoutRoom: entered ? (entered.name ?? entered.id ?? '?') : status.botId ? 'main room' : '-',
    reason: status.reason ?? '',
  };
}

function fit(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

/** Header and rows with aligned columns, each column as wide as its widest cell (capped). */
export function renderTable(rows: RoomRow[]): string[] {
  const widths = COLUMNS.map((c) => Math.min(c.max, Math.max(c.title.length, ...rows.map((r) => r[c.key].length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => fit(cell, widths[i] ?? cell.length))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...rows.map((row) => line(COLUMNS.map((c) => row[c.key])))];
}

export class ProgressView {
  private drawn = 0;
  private readonly last = new Map<string, string>();
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream) {}

  private get live(): boolean {
    return this.out.isTTY;
  }

  private elapsed(): string {
    const s = Math.floor((Date.now() - this.started) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }

  private clear(): void {
    // Cursor up to the block's first line, then erase to the end of the screen.
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
  }

  /** Shows the current rows: redrawn in place on a terminal, as change lines otherwise. */
  render(heading: string, rows: RoomRow[]): void {
    if (!this.live) {
      for (const row of rows) {
        const text = `${row.state}  bot ${row.bot}  ${row.breakoutRoom}${row.reason ? `  (${row.reason})` : ''}`;
        if (this.last.get(row.room) === text) continue;
        this.last.set(row.room, text);
        this.out.write(`[${this.elapsed()}] ${row.room.padEnd(12)} ${text}\n`);
      }
      return;
    }
    const width = this.out.columns || 120;
    const lines = [`${heading}  [${this.elapsed()}]`, ...renderTable(rows).map((l) => `  ${l}`)];
    this.clear();
    this.out.write(lines.map((l) => l.slice(0, width - 1)).join('\n') + '\n');
    this.drawn = lines.length;
  }

  /** A one-off event line, kept above the table. */
  note(line: string): void {
    if (!this.live) {
      this.out.write(`[${this.elapsed()}] ${line}\n`);
      return;
    }
    this.clear();
    this.out.write(`${line}\n`);
  }

  /** Leaves the last table on screen and stops redrawing over it. */
  done(): void {
    this.drawn = 0;
  }
}
