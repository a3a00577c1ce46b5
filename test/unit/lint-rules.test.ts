import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '../..');

/** Lints a throw-away module inside activities/, where the project's typed lint config applies. */
async function lintProbe(source: string): Promise<{ ruleId: string | null; message: string }[]> {
  const dir = await mkdtemp(join(root, 'activities', 'lint-probe-'));
  const file = join(dir, 'probe.ts');
  await writeFile(file, source);
  try {
    const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
    return result?.messages ?? [];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rulesOf = (messages: { ruleId: string | null }[]) => messages.map((m) => m.ruleId);

test('throwing a non-Error fails the lint: a Promise (the worker-killing bug), a string, unknown and any', async () => {
  const messages = await lintProbe(
    [
      // The shape of the bug that killed the worker: the conditional's type is unknown, so the
      // thrown Promise passed the rule's defaults.
      'async function wrap(call: () => Promise<never>): Promise<never> {',
      '  return call();',
      '}',
      'export function rethrow(err: unknown): never {',
      '  throw err instanceof RangeError ? wrap(() => Promise.reject(err)) : err;',
      '}',
      'export function text(): void {',
      "  throw 'oops';",
      '}',
      'export function passOn(err: unknown): never {',
      '  throw err;',
      '}',
      'export function anything(err: any): never {',
      '  throw err;',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    rulesOf(messages).filter((r) => r === '@typescript-eslint/only-throw-error'),
    Array(4).fill('@typescript-eslint/only-throw-error'),
    JSON.stringify(messages),
  );
});

test('rethrowing a caught error and throwing an Error pass', async () => {
  const messages = await lintProbe(
    [
      'export async function run(call: () => Promise<void>): Promise<void> {',
      '  try {',
      '    await call();',
      '  } catch (err) {',
      '    if (err instanceof TypeError) throw new Error("wrapped", { cause: err });',
      '    throw err;',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(rulesOf(messages), [], JSON.stringify(messages));
});

test('an un-awaited promise returned inside try, and a promise where a void callback goes, fail the lint', async () => {
  const messages = await lintProbe(
    [
      'async function work(): Promise<number> {',
      '  return 1;',
      '}',
      'export async function unguarded(): Promise<number> {',
      '  try {',
      '    return work();',
      '  } catch {',
      '    return 0;',
      '  }',
      '}',
      'export function listener(emitter: { on(event: string, fn: () => void): void }): void {',
      "  emitter.on('data', async () => {",
      '    await work();',
      '  });',
      '}',
      '',
    ].join('\n'),
  );
  const rules = rulesOf(messages);
  assert.ok(rules.includes('@typescript-eslint/return-await'), JSON.stringify(messages));
  assert.ok(rules.includes('@typescript-eslint/no-misused-promises'), JSON.stringify(messages));
});
