import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * Every entry point, started by an older Node, says in one line which Node it needs and the
 * README's command that provides it, and exits non-zero, before anything that breaks on that Node
 * (undici on Node 20) is loaded. Runs with the machine's own Node, which is older than 24 here.
 */
const ROOT = join(__dirname, '..', '..');
const OLD_NODE = '/usr/bin/node';
const MESSAGE =
  /^breakout-recorder needs Node 24 \(this is Node 2[0-3]\.\d+\.\d+\): run export PATH="\$\(scripts\/node24\.sh\):\$PATH" in the project directory, then try again\n$/;

function oldNodeMajor(): number | null {
  try {
    return Number(execFileSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
  } catch {
    return null;
  }
}

const major = oldNodeMajor();
const skip = major === null || major >= 24 ? `no Node older than 24 at ${OLD_NODE}` : false;

/** Runs `file args` with only the old Node on PATH (npm included, for npm scripts). */
function runWithOldNode(
  file: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function assertRefused(what: string, run: { code: number | null; stdout: string; stderr: string }): void {
  assert.equal(run.code, 1, `${what} exits 1 (stderr: ${run.stderr})`);
  assert.match(run.stderr, MESSAGE, `${what} prints the one line`);
  assert.equal(run.stdout, '', `${what} prints nothing else`);
}

test('bin/breakout.js refuses an old Node with the one line', { skip }, async () => {
  assertRefused('breakout emulator', await runWithOldNode(OLD_NODE, ['bin/breakout.js', 'emulator', '--help']));
  assertRefused('breakout list', await runWithOldNode(OLD_NODE, ['bin/breakout.js', 'list']));
});

test('the worker entry refuses an old Node even when started without npm', { skip }, async () => {
  assertRefused('worker', await runWithOldNode(OLD_NODE, ['--import', 'tsx', 'workers/main.ts']));
});

test("every npm script that starts one of the project's programs refuses an old Node", { skip }, async () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // Tools that run no project code (tsc, eslint, prettier) and the test runners are not entry points.
  const entries = Object.keys(scripts).filter((name) => /\btsx\b/.test(scripts[name]!) && !name.startsWith('test'));
  assert.ok(
    ['worker', 'webhooks', 'emulator', 'demo', 'bench', 'chaos'].every((name) => entries.includes(name)),
    `entries: ${entries.join(', ')}`,
  );
  for (const name of entries) {
    assertRefused(`npm run ${name}`, await runWithOldNode('/usr/bin/npm', ['run', '-s', name]));
  }
});
