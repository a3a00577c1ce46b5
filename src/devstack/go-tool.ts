import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A server binary the tests run for real, built from the Go module proxy once per user. */
export interface GoTool {
  /** The binary's name, as `go install` writes it. */
  binary: string;
  /** Module path of the package to `go install`. */
  goPackage: string;
  version: string;
  /** Cache folder name under `~/.cache/breakout-recorder`. */
  cacheName: string;
  /** Environment variable that points at an existing binary, checked first. */
  envOverride: string;
}

export class GoToolNotFoundError extends Error {
  override name = 'GoToolNotFoundError';
}

export function goToolCacheDir(tool: GoTool): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cacheRoot, 'breakout-recorder', tool.cacheName, tool.version);
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
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Finds a tool like the Temporal CLI is found (src/devstack/temporal-cli.ts): its environment
 * variable, then `PATH` when `onPath` allows it, then the per-user cache; with `build: true`,
 * builds it once into the cache with `go install` (a fresh CI machine has none of them).
 */
export function resolveGoTool(
  tool: GoTool,
  options: { build: boolean; onPath?: boolean; log?: (line: string) => void },
): string {
  const explicit = process.env[tool.envOverride];
  if (explicit) {
    if (!isExecutable(explicit)) throw new GoToolNotFoundError(`${tool.envOverride}=${explicit} is not executable`);
    return explicit;
  }
  const fromPath = options.onPath ? onPath(tool.binary) : undefined;
  if (fromPath) return fromPath;
  const cached = join(goToolCacheDir(tool), tool.binary);
  if (isExecutable(cached)) return cached;
  const install = `go install ${tool.goPackage}@${tool.version}`;
  if (!options.build) throw new GoToolNotFoundError(`no ${tool.binary} at ${cached}; build it with \`${install}\``);
  const go = onPath('go');
  if (!go) {
    throw new GoToolNotFoundError(
      `no ${tool.binary} found and no Go toolchain to build one: install Go (>= 1.25), or set ${tool.envOverride}`,
    );
  }
  mkdirSync(goToolCacheDir(tool), { recursive: true });
  options.log?.(`building ${tool.binary} ${tool.version} with Go into ${goToolCacheDir(tool)} (once; takes minutes)`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${tool.goPackage}@${tool.version}`], {
    env: { ...process.env, GOBIN: goToolCacheDir(tool), CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !existsSync(cached)) {
    throw new GoToolNotFoundError(`\`${install}\` failed (exit ${String(result.status)})`);
  }
  options.log?.(`built ${tool.binary} in ${Math.round((Date.now() - started) / 1000)} s`);
  return cached;
}
