/** The chaos run's table: what was planned, what survived, and every violated invariant. */
import { formatTable } from '../support/table';
import type { ChaosOutcome } from './scenario';

const seconds = (ms: number | undefined) => (ms === undefined ? 'never (within 120 s)' : `${(ms / 1000).toFixed(1)} s`);

export function chaosTable(outcome: ChaosOutcome): string {
  const { report, config } = outcome;
  const rows: [string, string | number][] = [
    ['seed', config.seed],
    ['meetings x rooms', `${config.meetings} x ${config.roomsPerMeeting}`],
    ['rooms planned', report.roomsPlanned],
    ['rooms finished', report.roomsFinished],
    ['rooms lost', report.roomsLost],
    [
      'room outcomes',
      Object.entries(report.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['overlapping live bots', report.overlappingLiveBots],
    ['orphan bots', report.orphanBots],
    ['recordings expected', report.recordingsExpected],
    ['recordings stored', report.recordingsStored],
    ['checksum mismatches', report.checksumMismatches],
    ['secrets found', report.secretsFound],
    ['unexpected process exits', outcome.unexpectedExits.length],
    ...outcome.recoveries.map((r, i): [string, string] => [`recovery ${i + 1}`, `${seconds(r.ms)}  (${r.fault})`]),
  ];
  const lines = [formatTable('Chaos run', rows)];
  if (outcome.unexpectedExits.length > 0)
    lines.push('Unexpected exits:', ...outcome.unexpectedExits.map((e) => `  ${e}`));
  lines.push(
    report.violations.length === 0
      ? 'Every invariant held.'
      : ['Violated invariants:', ...report.violations.map((v) => `  [${v.invariant}] ${v.detail}`)].join('\n'),
  );
  return lines.join('\n');
}
