import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The Temporal CLI whose `temporal server start-dev` runs the dev server for tests and the demo.
 * Later tags carry a `replace` directive in go.mod, which `go install` refuses, so this one is pinned.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

export function temporalCliCacheDir(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cacheRoot, 'breakout-recorder', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on `PATH`, then the per-user cache;
 * with `build: true`, builds it once into the cache with Go. The SDK's own download needs internet,
 * which the project's machines lack, so it is never relied on.
 */
export function resolveTemporalCli(options: { build: boolean; log?: (line: string) => void }): string {
  const log = options.log ?? (() => undefined);
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    }
    return explicit;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const cached = join(temporalCliCacheDir(), 'temporal');
  if (isExecutable(cached)) return cached;
  if (!options.build) {
    throw new TemporalCliNotFoundError(
      `No Temporal CLI found (TEMPORAL_CLI_PATH, temporal on PATH, ${cached}). Run \`npm run temporal:cli\` to build it.`,
    );
  }

  const go = onPath('go');
  if (!go) {
    throw new TemporalCliNotFoundError(
      'No Temporal CLI found and no Go toolchain to build one. Either install Go (>= 1.25) and run ' +
        '`npm run temporal:cli`, or install the Temporal CLI and set TEMPORAL_CLI_PATH to its binary.',
    );
  }
  mkdirSync(temporalCliCacheDir(), { recursive: true });
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${temporalCliCacheDir()} (once; takes minutes)`);
  const result = spawnSync(go, ['install', GO_PACKAGE], {
    env: { ...process.env, GOBIN: temporalCliCacheDir(), CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !existsSync(cached)) {
    throw new TemporalCliNotFoundError(`\`go install ${GO_PACKAGE}\` failed (exit ${String(result.status)})`);
  }
  return cached;
}
