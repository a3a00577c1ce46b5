/**
 * A production build of the service for benchmarks, kept apart from the project's own `dist/` so it
 * never races another build: compiled JavaScript plus the prebuilt workflow bundle the worker loads
 * from beside it (as `npm run build` lays out `dist/`), so a worker starts without bundling.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = join(__dirname, '..', '..');
export const BENCH_BUILD_DIR = join(ROOT, 'data', 'bench', 'build');

export async function buildForBench(log: (line: string) => void = () => undefined): Promise<string> {
  const started = Date.now();
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BENCH_BUILD_DIR],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => log(m), log() {} },
  });
  await writeFile(join(BENCH_BUILD_DIR, 'workflow-bundle.js'), code);
  log(`bench build in ${((Date.now() - started) / 1000).toFixed(0)} s: ${BENCH_BUILD_DIR}`);
  return BENCH_BUILD_DIR;
}
