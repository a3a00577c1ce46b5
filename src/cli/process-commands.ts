/** Long-running processes: they run until SIGINT/SIGTERM and handle those signals themselves. */
import { Command } from 'commander';
import { main as runCodecServerProcess } from '../codec/main';
import { emulatorCommand } from '../emulator/main';
import { main as runWebhooksProcess } from '../webhooks/main';

function workerCommand(): Command {
  return new Command('worker')
    .description('Run the worker (workflows and activities); configured by the environment')
    .action(() => {
      // workers/main.ts starts the worker when it is loaded: load it only when this command runs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../workers/main');
    });
}

function webhooksCommand(): Command {
  return new Command('webhooks')
    .description('Run the webhook receiver (and the HTTP API when API_TOKEN is set)')
    .action(() => runWebhooksProcess());
}

function codecServerCommand(): Command {
  return new Command('codec-server')
    .description('Run the codec server: decrypts payloads for the Temporal Web UI and CLI (CODEC_AUTH_TOKEN)')
    .action(() => runCodecServerProcess());
}

export function processCommands(): Command[] {
  return [emulatorCommand().name('emulator'), workerCommand(), webhooksCommand(), codecServerCommand()];
}
