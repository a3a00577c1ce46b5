import { setTimeout as delay } from 'node:timers/promises';
import { Command, Option } from 'commander';
import {
  addRoom,
  closeRoom,
  endMeeting,
  getMeetingStatus,
  InvalidInputError,
  listMeetings,
  MEETING_STATES,
  startMeeting,
  validateRoom,
  validateStart,
  type MeetingState,
} from '../client';
import { withClient } from './client-context';
import { addMeetingInputOptions, integer, meetingInputFrom, type MeetingInputFlags } from './meeting-input-options';
import { isJson, print, table } from './output';
import { renderStatus } from './status-table';

interface StartFlags extends MeetingInputFlags {
  key?: string;
  joinAt?: string;
  endBy?: string;
  taskQueue?: string;
}

function startCommand(): Command {
  return addMeetingInputOptions(
    new Command('start')
      .description('Start recording a meeting (idempotent on --key: a second start returns the existing run)')
      .option('--key <meetingKey>', 'meeting key; the workflow ID is meeting/<key> (or "meetingKey" in --file)'),
  )
    .option('--join-at <iso>', 'when the bots join; more than 10 minutes ahead gives scheduled bots')
    .option('--end-by <iso>', 'stop replacing bots, leave and collect at this time')
    .option('--task-queue <queue>', 'worker task queue (default: TEMPORAL_TASK_QUEUE or breakout-recorder)')
    .action(async (flags: StartFlags, command: Command) => {
      const { input, fileKey } = await meetingInputFrom(flags);
      if (flags.joinAt !== undefined) input.joinAt = flags.joinAt;
      if (flags.endBy !== undefined) input.endBy = flags.endBy;
      const meetingKey = flags.key ?? fileKey;
      if (!meetingKey) throw new InvalidInputError('--key', 'is required (or give "meetingKey" in --file)');
      validateStart(input, meetingKey);
      const started = await withClient((client, config) =>
        startMeeting(client, input, { meetingKey, taskQueue: flags.taskQueue ?? config.TEMPORAL_TASK_QUEUE }),
      );
      print(command, started, () =>
        started.created
          ? `started ${started.workflowId}\nwatch it: breakout status ${meetingKey} --watch`
          : `already started: ${started.workflowId} (run ${started.runId}); nothing new was started`,
      );
    });
}

const WATCH_INTERVAL_MS = 2_000;

function statusCommand(): Command {
  return new Command('status')
    .description('Show each room: state, bot, attempt, recording time, breakout room entered, reason')
    .argument('<meetingKey>')
    .option('--watch', 'redraw until the meeting closes (with --json: one JSON line per refresh)')
    .action(async (meetingKey: string, flags: { watch?: boolean }, command: Command) => {
      await withClient(async (client) => {
        const redraw = flags.watch === true && !isJson(command) && process.stdout.isTTY;
        for (;;) {
          const view = await getMeetingStatus(client, meetingKey);
          if (redraw) process.stdout.write('\x1b[2J\x1b[H');
          print(command, view, () => renderStatus(view));
          if (!flags.watch || view.execution !== 'RUNNING') return;
          await delay(WATCH_INTERVAL_MS);
        }
      });
    });
}

function addRoomCommand(): Command {
  return new Command('add-room')
    .description('Add a breakout room to a running meeting')
    .argument('<meetingKey>')
    .argument('<roomKey>')
    .option('--name <name>', 'room name as in Zoom')
    .option('--bot-name <name>', 'bot display name')
    .option('--breakout-room-id <id>', 'Zoom breakout room id, when known')
    .action(
      async (
        meetingKey: string,
        roomKey: string,
        flags: { name?: string; botName?: string; breakoutRoomId?: string },
        command: Command,
      ) => {
        const spec = validateRoom({ key: roomKey, ...flags });
        const workflowId = await withClient((client) => addRoom(client, meetingKey, spec));
        print(command, { workflowId }, () => `added room ${roomKey}: ${workflowId}`);
      },
    );
}

function closeRoomCommand(): Command {
  return new Command('close-room')
    .description("Make one room's bot leave; the room still collects what it recorded")
    .argument('<meetingKey>')
    .argument('<roomKey>')
    .option('--reason <text>', 'why, for the result and the manifest')
    .action(async (meetingKey: string, roomKey: string, flags: { reason?: string }, command: Command) => {
      await withClient((client) => closeRoom(client, meetingKey, roomKey, flags.reason));
      print(command, { status: 'closing', meetingKey, roomKey }, () => `room ${roomKey} is closing`);
    });
}

function endCommand(): Command {
  return new Command('end')
    .description('End the meeting: every bot leaves, every room collects, the meeting reports')
    .argument('<meetingKey>')
    .option('--reason <text>', 'why, for the result and the manifest')
    .action(async (meetingKey: string, flags: { reason?: string }, command: Command) => {
      await withClient((client) => endMeeting(client, meetingKey, flags.reason));
      print(command, { status: 'ending', meetingKey }, () => `meeting ${meetingKey} is ending`);
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('List meetings through Temporal visibility, newest first')
    .addOption(new Option('--state <state>', 'execution state').choices(Object.keys(MEETING_STATES)))
    .option('--key <meetingKey>', 'only this meeting key')
    .option('--limit <n>', 'at most this many', integer('--limit'), 50)
    .action(async (flags: { state?: MeetingState; key?: string; limit: number }, command: Command) => {
      const meetings = await withClient((client) =>
        listMeetings(client, {
          limit: flags.limit,
          ...(flags.state ? { state: flags.state } : {}),
          ...(flags.key ? { meetingKey: flags.key } : {}),
        }),
      );
      print(command, meetings, () =>
        meetings.length === 0
          ? 'no meetings'
          : table(
              ['MEETING KEY', 'STATUS', 'ROOMS', 'RECORDED', 'FAILED', 'STARTED'],
              meetings.map((m) => [
                m.meetingKey ?? m.workflowId,
                m.execution.toLowerCase(),
                String(m.roomsTotal ?? '-'),
                String(m.roomsRecorded ?? '-'),
                String(m.roomsFailed ?? '-'),
                m.startTime,
              ]),
            ),
      );
    });
}

export function meetingCommands(): Command[] {
  return [startCommand(), statusCommand(), addRoomCommand(), closeRoomCommand(), endCommand(), listCommand()];
}
