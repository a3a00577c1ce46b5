import { resolveGoTool, type GoTool } from './go-tool';

/**
 * The Temporal CLI whose `temporal server start-dev` runs the dev server for tests and the demo.
 * Later tags carry a `replace` directive in go.mod, which `go install` refuses, so this one is pinned.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const TEMPORAL_CLI: GoTool = {
  binary: 'temporal',
  goPackage: 'github.com/temporalio/cli/cmd/temporal',
  version: TEMPORAL_CLI_VERSION,
  cacheName: 'temporal-cli',
  envOverride: 'TEMPORAL_CLI_PATH',
};

/**
 * Finds a Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on `PATH`, then the per-user cache;
 * with `build: true`, builds it once into the cache with Go. The SDK's own download needs internet,
 * which the project's machines lack, so it is never relied on.
 */
export function resolveTemporalCli(options: { build: boolean; log?: (line: string) => void }): string {
  return resolveGoTool(TEMPORAL_CLI, { ...options, onPath: true });
}
