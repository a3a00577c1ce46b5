import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** What every figure ran on: the machine is shared and noisy, so figures only compare side by side. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // The tree changes under other engineers' commits: each figure says which commit it measured.
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  };
}
