import type { ScheduleOverlapPolicy } from '@temporalio/client';
import { Command, Option } from 'commander';
import {
  createWorkshopSchedule,
  DAYS_OF_WEEK,
  DEFAULT_LEAD_SECONDS,
  deleteWorkshopSchedule,
  describeWorkshopSchedule,
  InvalidInputError,
  listWorkshopSchedules,
  pauseWorkshopSchedule,
  triggerWorkshopSchedule,
  unpauseWorkshopSchedule,
  validateWorkshopSchedule,
  type WeeklyTime,
} from '../client';
import { loadClientConfig } from '../config';
import { withClient } from './client-context';
import {
  addMeetingInputOptions,
  collect,
  integer,
  meetingInputFrom,
  type MeetingInputFlags,
} from './meeting-input-options';
import { print, table } from './output';

interface CreateFlags extends MeetingInputFlags {
  key?: string;
  weekly?: string[];
  cron?: string[];
  timeZone: string;
  lead: number;
  catchupWindow?: number;
  note?: string;
  paused?: boolean;
  taskQueue?: string;
}

/** `TUESDAY@17:00` → a weekly workshop time. */
function weeklyTime(value: string): WeeklyTime {
  const [day = '', time = ''] = value.split('@');
  const dayOfWeek = DAYS_OF_WEEK.find((d) => d === day.toUpperCase());
  if (!dayOfWeek || !/^\d\d:\d\d$/.test(time)) {
    throw new InvalidInputError('--weekly', `"${value}" is not DAY@HH:MM, e.g. TUESDAY@17:00`);
  }
  return { dayOfWeek, time };
}

function createCommand(): Command {
  return addMeetingInputOptions(
    new Command('create')
      .description('Create a recurring workshop: every occurrence is a fresh meeting with its own rooms')
      .argument('<scheduleId>')
      .option('--key <meetingKey>', 'occurrences are meeting/<key>-<time> (default: the schedule id)'),
  )
    .option('--weekly <DAY@HH:MM>', 'workshop start, e.g. TUESDAY@17:00 (repeatable)', collect)
    .option(
      '--cron <expression>',
      'when each occurrence starts its workflow, bots join --lead later (repeatable)',
      collect,
    )
    .requiredOption('--time-zone <zone>', 'IANA time zone of the times, e.g. Europe/Berlin')
    .option(
      '--lead <seconds>',
      'start each occurrence this long before the workshop (> 600)',
      integer('--lead'),
      DEFAULT_LEAD_SECONDS,
    )
    .option(
      '--catchup-window <seconds>',
      'after an outage, still start occurrences this late (default: the lead)',
      integer('--catchup-window'),
    )
    .option('--note <text>', 'note shown on the schedule')
    .option('--paused', 'create it paused')
    .option('--task-queue <queue>', 'worker task queue (default: TEMPORAL_TASK_QUEUE or breakout-recorder)')
    .action(async (scheduleId: string, flags: CreateFlags, command: Command) => {
      const { input, fileKey } = await meetingInputFrom(flags);
      const meetingKey = flags.key ?? fileKey;
      const options = {
        scheduleId,
        input,
        taskQueue: flags.taskQueue ?? loadClientConfig().TEMPORAL_TASK_QUEUE,
        timeZone: flags.timeZone,
        leadSeconds: flags.lead,
        ...(meetingKey ? { meetingKey } : {}),
        ...(flags.weekly ? { weekly: flags.weekly.map(weeklyTime) } : {}),
        ...(flags.cron ? { cronExpressions: flags.cron } : {}),
        ...(flags.catchupWindow !== undefined ? { catchupWindowSeconds: flags.catchupWindow } : {}),
        ...(flags.note ? { note: flags.note } : {}),
        ...(flags.paused ? { paused: true } : {}),
      };
      validateWorkshopSchedule(options);
      const created = await withClient((client) => createWorkshopSchedule(client, options));
      print(
        command,
        { scheduleId: created },
        () => `created schedule ${created}\nsee it: breakout schedule describe ${created}`,
      );
    });
}

function listCommand(): Command {
  return new Command('list').description('List workshop schedules').action(async (_flags: object, command: Command) => {
    const schedules = await withClient((client) => listWorkshopSchedules(client));
    print(command, schedules, () =>
      schedules.length === 0
        ? 'no workshop schedules'
        : table(
            ['SCHEDULE', 'PAUSED', 'NEXT RUN', 'LAST RUN'],
            schedules.map((s) => [
              s.scheduleId,
              s.paused ? 'yes' : 'no',
              s.nextActionTimes[0] ?? '-',
              s.recentRuns.at(-1)?.workflowId ?? '-',
            ]),
          ),
    );
  });
}

function describeCommand(): Command {
  return new Command('describe')
    .argument('<scheduleId>')
    .description('Show a schedule: spec, policies, next and recent runs')
    .action(async (scheduleId: string, _flags: object, command: Command) => {
      const d = await withClient((client) => describeWorkshopSchedule(client, scheduleId));
      print(command, d, () =>
        [
          `schedule     ${d.scheduleId}${d.paused ? ' (paused)' : ''}${d.note ? ` · ${d.note}` : ''}`,
          `time zone    ${d.timeZone ?? 'UTC'}`,
          `times        ${JSON.stringify(d.calendars)}`,
          `overlap      ${d.overlap} · catch-up window ${d.catchupWindowSeconds} s`,
          `next runs    ${d.nextActionTimes.slice(0, 3).join(', ') || '-'}`,
          `running      ${d.runningWorkflowIds.join(', ') || '-'}`,
          `recent runs  ${d.recentRuns.map((r) => r.workflowId).join(', ') || '-'}`,
          `actions      ${d.actionsTaken} taken, ${d.actionsSkippedOverlap} skipped (overlap), ${d.actionsMissedCatchupWindow} missed (catch-up window)`,
        ].join('\n'),
      );
    });
}

const OVERLAP_CHOICES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'];

function triggerCommand(): Command {
  return new Command('trigger')
    .argument('<scheduleId>')
    .description('Run an occurrence now')
    .addOption(
      new Option('--overlap <policy>', 'when an occurrence is still running; skip never runs two at once')
        .choices(OVERLAP_CHOICES)
        .default('skip'),
    )
    .action(async (scheduleId: string, flags: { overlap: string }, command: Command) => {
      const overlap = flags.overlap.toUpperCase() as ScheduleOverlapPolicy;
      await withClient((client) => triggerWorkshopSchedule(client, scheduleId, overlap));
      print(command, { scheduleId, triggered: true, overlap }, () => `triggered ${scheduleId} (overlap ${overlap})`);
    });
}

function stateCommand(name: 'pause' | 'unpause'): Command {
  const run = name === 'pause' ? pauseWorkshopSchedule : unpauseWorkshopSchedule;
  return new Command(name)
    .argument('<scheduleId>')
    .description(name === 'pause' ? 'Stop taking occurrences until unpaused' : 'Take occurrences again')
    .option('--note <text>', 'why, shown on the schedule')
    .action(async (scheduleId: string, flags: { note?: string }, command: Command) => {
      await withClient((client) => run(client, scheduleId, flags.note));
      print(command, { scheduleId, paused: name === 'pause' }, () => `${name}d ${scheduleId}`);
    });
}

function deleteCommand(): Command {
  return new Command('delete')
    .argument('<scheduleId>')
    .description('Delete the schedule; meetings it started keep running')
    .action(async (scheduleId: string, _flags: object, command: Command) => {
      await withClient((client) => deleteWorkshopSchedule(client, scheduleId));
      print(command, { scheduleId, deleted: true }, () => `deleted ${scheduleId}`);
    });
}

export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('Recurring workshops on Temporal Schedules')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(describeCommand())
    .addCommand(stateCommand('pause'))
    .addCommand(stateCommand('unpause'))
    .addCommand(triggerCommand())
    .addCommand(deleteCommand());
}
