/** `breakout`: start, watch and steer meetings, manage workshop schedules, run the processes. */
import { Command, CommanderError } from 'commander';
import { artifactCommand } from './artifact-commands';
import { describeFailure } from './exit-codes';
import { followUpCommands } from './follow-up-commands';
import { meetingCommands } from './meeting-commands';
import { processCommands } from './process-commands';
import { scheduleCommand } from './schedule-commands';

export function buildProgram(): Command {
  const program = new Command('breakout')
    .description('Records every Zoom breakout room of a meeting with Recall.ai bots, on Temporal')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `\nEnvironment: TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE (breakout-recorder).\nExit codes: 0 ok, 1 failure, 2 bad input or usage, 3 not found, 4 Temporal unreachable.`,
    );
  for (const command of [
    ...meetingCommands(),
    ...followUpCommands(),
    scheduleCommand(),
    artifactCommand(),
    ...processCommands(),
  ])
    program.addCommand(command);
  // Usage errors become exceptions, so they get exit code 2 like any other bad input.
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and version also arrive as CommanderErrors; commander has printed them already.
    if (error instanceof CommanderError && error.exitCode === 0) return;
    const failure = describeFailure(error);
    if (argv.includes('--json')) {
      const { code: _code, ...body } = failure;
      process.stderr.write(`${JSON.stringify(body)}\n`);
    } else if (!(error instanceof CommanderError)) {
      process.stderr.write(`breakout: ${failure.message}\n`);
    }
    process.exitCode = failure.code;
  }
}
