/**
 * `npm run demo`: the product's main job on a fresh machine. Starts Temporal (or uses the server at
 * TEMPORAL_ADDRESS), the Recall emulator, the webhook receiver and a worker; records an emulated
 * four-room workshop while showing each room's progress; crashes one bot to show its replacement;
 * prints the manifest. Exit 0 when every room is recorded, 1 otherwise, 130 when interrupted.
 * `--keep`: after the run, the Temporal dev server and its Web UI stay up (with the rest of the stack)
 * until Ctrl-C, so the meeting can be explored in the UI the demo linked to.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import type { MeetingInput, MeetingResult } from '../contracts';
import { createLogger } from '../logger';
import { DEMO_ROOMS, WORKSHOP_SECONDS, WORKSHOP_TITLE, workshopInput, workshopMeetingSpec } from './demo-meeting';
import { workerMetricsLines } from './demo-metrics';
import { startDemoStack, stopAll, type DemoStack } from './demo-stack';
import { manifestPath, summarize } from './demo-summary';
import { watchMeeting } from './demo-watch';
import { terminateDemoWorkflows } from './demo-cleanup';
import { ProgressView } from './progress-table';

type MeetingWorkflow = (input: MeetingInput) => Promise<MeetingResult>;

const LOG_FILE = resolve(__dirname, '..', '..', 'data', 'demo.log');
const CRASH_ROOM = 'bikes';

const say = (line = '') => process.stdout.write(`${line}\n`);

const USAGE =
  'usage: npm run demo [-- --keep]   (--keep: leave the Temporal dev server and its Web UI up until Ctrl-C)';

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function clock(stack: DemoStack, startedAt: number): string {
  const s = Math.max(0, Math.floor((stack.emulator.now() - startedAt) / 1000));
  const mmss = (n: number) => `${Math.floor(n / 60)}:${String(n % 60).padStart(2, '0')}`;
  return `${mmss(Math.min(s, WORKSHOP_SECONDS))} / ${mmss(WORKSHOP_SECONDS)}`;
}

async function main(interrupted: AbortSignal, keep: boolean): Promise<number> {
  const log = createLogger(
    { level: 'info', name: 'demo' },
    pino.destination({ dest: LOG_FILE, mkdir: true, sync: true }),
  );
  const stops: (() => Promise<void>)[] = [];
  let kept = false;
  try {
    say(`Breakout Recorder demo: "${WORKSHOP_TITLE}", ${DEMO_ROOMS.length} breakout rooms`);
    say(`logs: ${LOG_FILE}`);
    const stack = await startDemoStack(log, stops);
    if (interrupted.aborted) return 130;
    say(
      stack.ownServer
        ? `Temporal: started the dev server at ${stack.config.TEMPORAL_ADDRESS} (data/temporal.db), Web UI ${stack.uiUrl}`
        : `Temporal: using the server already at ${stack.config.TEMPORAL_ADDRESS}`,
    );
    if (stack.ownServer) {
      const leftovers = await terminateDemoWorkflows(stack.client, 'leftover of an interrupted demo');
      if (leftovers > 0) say(`Temporal: terminated ${leftovers} workflow(s) left running by an interrupted demo`);
    }
    say(`Recall emulator: ${stack.emulator.baseUrl} (throw-away API key and webhook secret)`);
    say(`worker: task queue ${stack.config.TEMPORAL_TASK_QUEUE}, metrics ${stack.metricsUrl}`);

    const meeting = stack.emulator.createMeeting(workshopMeetingSpec());
    const meetingStartedAt = stack.emulator.now();
    const workflowId = `meeting/demo-${Date.now()}`;
    const uiLink = `${stack.uiUrl}/namespaces/${stack.config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
    const handle = await stack.client.workflow.start<MeetingWorkflow>('meetingWorkflow', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [workshopInput(meeting.url)],
    });
    stops.push(async () => {
      if (interrupted.aborted) await terminateDemoWorkflows(stack.client, 'demo interrupted', workflowId);
    });
    say(`meeting: ${workflowId} on ${meeting.url}`);
    say(`  watch it in the Web UI: ${uiLink}`);
    say(
      `  ${WORKSHOP_SECONDS / 60} emulated minutes take about a real minute; the bot in ${CRASH_ROOM} will be crashed on purpose`,
    );
    say();

    const view = new ProgressView(process.stdout);
    const watched = await watchMeeting({
      client: stack.client,
      emulator: stack.emulator,
      meetingWorkflowId: workflowId,
      roomKeys: DEMO_ROOMS.map((r) => r.key),
      crashRoom: CRASH_ROOM,
      view,
      heading: () => `${workflowId}  workshop clock ${clock(stack, meetingStartedAt)}`,
      result: handle.result(),
      signal: interrupted,
    });
    if (!watched) return 130;

    const verdict = summarize(watched.result, watched.crashed);
    say();
    say(`Manifest (${watched.result.rooms.length} rooms):`);
    for (const line of verdict.lines) say(line);
    say();
    say('Worker metrics:');
    for (const line of await workerMetricsLines(stack.metricsUrl)) say(`  ${line}`);
    say();
    say(`manifest: ${manifestPath(watched.result)}`);
    say(`Web UI:   ${uiLink}`);
    const crashNote = watched.crashed
      ? ` (${watched.crashed}, whose bot was crashed, counts as recorded with a gap: both of its bots were collected)`
      : ' (no bot was crashed: its room never recorded long enough)';
    say(
      verdict.ok ? `RESULT: every room recorded${crashNote}` : 'RESULT: not every room was recorded (see FAIL above)',
    );
    if (keep && !interrupted.aborted) {
      say();
      say(
        stack.ownServer
          ? `--keep: the Temporal dev server and its Web UI stay up at ${stack.uiUrl} (with the emulator and the worker).`
          : `--keep: the Temporal server at ${stack.config.TEMPORAL_ADDRESS} was already running and stays up; the emulator and the worker stay up too.`,
      );
      say('Press Ctrl-C (or kill -INT ' + String(process.pid) + ') to stop everything.');
      kept = true;
      await untilAborted(interrupted);
    }
    return verdict.ok ? 0 : 1;
  } finally {
    if (stops.length > 0) say(interrupted.aborted && !kept ? '\ninterrupted: stopping everything...' : 'stopping...');
    await stopAll(stops, log);
  }
}

const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping: give up on a clean stop.
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
}

const args = process.argv.slice(2);
if (args.some((arg) => arg !== '--keep')) {
  console.error(USAGE);
  process.exit(2);
}

main(interrupt.signal, args.includes('--keep')).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(interrupt.signal.aborted ? 130 : 1);
  },
);
