import { resolveTemporalCli } from '../src/devstack/temporal-cli';

try {
  const started = Date.now();
  const path = resolveTemporalCli({ build: true, log: (line) => console.error(line) });
  console.log(`Temporal CLI: ${path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
