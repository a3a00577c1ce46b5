import { ScheduleAlreadyRunning } from '@temporalio/client';
import { CommanderError } from 'commander';
import {
  DuplicateRoomError,
  InvalidInputError,
  MeetingEndingError,
  MeetingNotFoundError,
  MeetingStillRunningError,
  ScheduleNotFoundError,
  TemporalUnavailableError,
} from '../client';
import { ConfigError } from '../config';

/** The CLI's exit codes: scripts branch on them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, temporalUnavailable: 4 } as const;

export interface CliFailure {
  code: number;
  error: string;
  message: string;
  field?: string;
}

/** What to tell the user, and which exit code, for an error a command threw. */
export function describeFailure(error: unknown): CliFailure {
  if (error instanceof InvalidInputError) {
    return { code: EXIT.usage, error: 'InvalidInput', field: error.field, message: error.message };
  }
  if (error instanceof DuplicateRoomError) {
    return { code: EXIT.usage, error: 'DuplicateRoom', message: `${error.message}: choose another room key` };
  }
  if (error instanceof ConfigError) return { code: EXIT.usage, error: 'ConfigError', message: error.message };
  if (error instanceof ScheduleAlreadyRunning) {
    return {
      code: EXIT.usage,
      error: 'ScheduleExists',
      message: `schedule "${error.scheduleId}" already exists: delete it first or pick another id`,
    };
  }
  if (error instanceof MeetingNotFoundError || error instanceof ScheduleNotFoundError) {
    return { code: EXIT.notFound, error: error.name.replace(/Error$/, ''), message: error.message };
  }
  if (error instanceof TemporalUnavailableError) {
    return { code: EXIT.temporalUnavailable, error: 'TemporalUnavailable', message: error.message };
  }
  if (error instanceof MeetingStillRunningError)
    return { code: EXIT.failure, error: 'MeetingStillRunning', message: error.message };
  if (error instanceof MeetingEndingError)
    return { code: EXIT.failure, error: 'MeetingEnding', message: error.message };
  if (error instanceof CommanderError) return { code: EXIT.usage, error: 'Usage', message: error.message };
  return { code: EXIT.failure, error: 'Failed', message: error instanceof Error ? error.message : String(error) };
}
