/**
 * The meeting input from `--file` and flags, shared by `start` and `schedule create`. Flags win
 * over the file, so one file can serve several runs.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { InvalidInputError } from '../client';

export interface MeetingInputFlags {
  file?: string;
  url?: string;
  rooms?: number;
  room?: string[];
  title?: string;
  botNamePrefix?: string;
  metadata?: string[];
}

export const integer = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addMeetingInputOptions(command: Command): Command {
  return command
    .option('--file <input.json>', 'meeting input as JSON (flags override its fields)')
    .option('--url <zoomUrl>', 'Zoom meeting link (meetingUrl)')
    .option('--rooms <n>', 'record rooms room-1..room-N (roomCount)', integer('--rooms'))
    .option('--room <key[=name]>', 'record this room (repeatable)', collect)
    .option('--title <title>', 'meeting title')
    .option('--bot-name-prefix <prefix>', 'bot names are <prefix>-N')
    .option('--metadata <key=value>', 'metadata for bots and the manifest (repeatable)', collect);
}

function pairs(values: string[], flag: string, separator: string): [string, string | undefined][] {
  return values.map((value) => {
    const at = value.indexOf(separator);
    if (at === 0) throw new InvalidInputError(flag, `"${value}" has no key before "${separator}"`);
    return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
  });
}

/** The meeting input (unvalidated: the client helpers validate it) and a `meetingKey` the file may carry. */
export async function meetingInputFrom(
  flags: MeetingInputFlags,
): Promise<{ input: Record<string, unknown>; fileKey?: string }> {
  let input: Record<string, unknown> = {};
  if (flags.file) {
    let text: string;
    try {
      text = await readFile(flags.file, 'utf8');
    } catch (error) {
      throw new InvalidInputError(
        '--file',
        `cannot read ${flags.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    try {
      input = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidInputError('--file', `${flags.file} is not JSON: ${(error as Error).message}`);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new InvalidInputError('--file', `${flags.file} must hold one JSON object`);
    }
  }
  const { meetingKey, ...fromFile } = input;
  const merged: Record<string, unknown> = { ...fromFile };
  if (flags.url !== undefined) merged.meetingUrl = flags.url;
  if (flags.rooms !== undefined) merged.roomCount = flags.rooms;
  if (flags.room !== undefined) {
    merged.rooms = pairs(flags.room, '--room', '=').map(([key, name]) => ({ key, ...(name ? { name } : {}) }));
  }
  if (flags.title !== undefined) merged.title = flags.title;
  if (flags.botNamePrefix !== undefined) merged.botNamePrefix = flags.botNamePrefix;
  if (flags.metadata !== undefined) {
    merged.metadata = Object.fromEntries(pairs(flags.metadata, '--metadata', '=').map(([k, v]) => [k, v ?? '']));
  }
  return { input: merged, ...(typeof meetingKey === 'string' ? { fileKey: meetingKey } : {}) };
}
