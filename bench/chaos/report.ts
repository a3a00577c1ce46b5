/** The chaos run's tables: one per seed (what was planned, what survived, every violation), and totals. */
import { formatTable } from '../support/table';
import type { ChaosOutcome } from './scenario';

const seconds = (ms: number | undefined) => (ms === undefined ? 'never (a violation)' : `${(ms / 1000).toFixed(1)} s`);
const selfExits = (o: ChaosOutcome, kind: string) => o.selfExits.filter((e) => e.process === kind).length;
const struck = (o: ChaosOutcome) => o.faultChecks.filter((c) => c.problem === undefined && !c.notExercised);
const notExercised = (o: ChaosOutcome) => o.faultChecks.filter((c) => c.notExercised !== undefined);

export function chaosTable(outcome: ChaosOutcome): string {
  const { report, config } = outcome;
  const rows: [string, string | number][] = [
    ['seed', config.seed],
    [
      'meetings x rooms',
      `${config.meetings} recoverable x ${config.roomsPerMeeting}${config.disruptions.map((d) => ` + ${d} x ${Math.min(2, config.roomsPerMeeting)}`).join('')}`,
    ],
    ['room runs expected to report', report.roomsPlanned],
    ['rooms lost (unreported, or not recorded/partial where recoverable)', report.roomsLost],
    [
      'room outcomes',
      Object.entries(report.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['overlapping live bots', report.overlappingLiveBots],
    ['orphan bots', report.orphanBots],
    ['recordings expected', report.recordingsExpected],
    ['recordings stored and reported right', report.recordingsStored],
    ['recordings missing', report.recordingsMissing],
    ['size/sha256 mismatches', report.checksumMismatches],
    ['secrets found', report.secretsFound],
    ['worker self-exits', selfExits(outcome, 'worker')],
    ['receiver self-exits', selfExits(outcome, 'receiver')],
    ['Temporal server self-exits', selfExits(outcome, 'temporal')],
    ['starts retried (not exits: the process never ran)', outcome.startFailures.length],
    ['faults that struck', `${struck(outcome).length} of ${outcome.faultChecks.length}`],
    ['faults not exercised (nothing met them: not violations, not proof)', notExercised(outcome).length],
    ...outcome.recoveries.map((r, i): [string, string] => [`recovery ${i + 1}`, `${seconds(r.ms)}  (${r.fault})`]),
    ['run took', `${outcome.seconds} s`],
  ];
  const lines = [
    formatTable(`Chaos run, seed ${config.seed}`, rows),
    'Timeline:',
    ...outcome.timeline.map((t) => `  ${t}`),
  ];
  if (struck(outcome).length === outcome.faultChecks.length)
    lines.push(`All ${outcome.faultChecks.length} scheduled faults struck (from the emulator's audit).`);
  for (const c of notExercised(outcome)) lines.push(`Not exercised: ${c.fault}: ${c.notExercised}`);
  lines.push(
    outcome.violations.length === 0
      ? 'Every invariant held.'
      : ['Violated:', ...outcome.violations.map((v) => `  [${v.invariant}] ${v.detail}`)].join('\n'),
  );
  return lines.join('\n');
}

/** One line per seed and a total: the figures the README's chaos table reports. */
export function seedsTable(outcomes: ChaosOutcome[]): string {
  const header = [
    'seed',
    'rooms lost',
    'recordings missing',
    'worker self-exits',
    'receiver/server self-exits',
    'overlapping bots',
    'orphans',
    'other violations',
    'seconds',
  ];
  // Violations the other columns do not count: wrong sizes or hashes, foreign artifacts, secrets,
  // faults that never struck, recoveries that never came.
  const counted = /^(1 |2 |3 |8 )|^4 nothing recorded lost$/;
  const figures = (o: ChaosOutcome) => [
    o.report.roomsLost,
    o.report.recordingsMissing,
    selfExits(o, 'worker'),
    selfExits(o, 'receiver') + selfExits(o, 'temporal'),
    o.report.overlappingLiveBots,
    o.report.orphanBots,
    o.violations.filter((v) => !counted.test(v.invariant)).length,
    o.seconds,
  ];
  const rows = outcomes.map((o) => [String(o.config.seed), ...figures(o).map(String)]);
  const sums = outcomes.map(figures).reduce((a, b) => a.map((v, i) => v + b[i]!), [0, 0, 0, 0, 0, 0, 0, 0]);
  rows.push(['total', ...sums.map(String)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The faults no seed could exercise (not violations, so not in the table), one line per seed that had any. */
export function notExercisedLines(outcomes: ChaosOutcome[]): string[] {
  return outcomes
    .filter((o) => notExercised(o).length > 0)
    .map(
      (o) =>
        `seed ${o.config.seed}: not exercised: ${notExercised(o)
          .map((c) => `${c.fault} (${c.notExercised})`)
          .join('; ')}`,
    );
}
