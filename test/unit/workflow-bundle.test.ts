import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { ESLint } from 'eslint';

const root = join(__dirname, '../..');

function capturingLogger(lines: string[]): Logger {
  const record = (message: string) => void lines.push(message);
  return {
    log: (_level, message) => record(message),
    trace: record,
    debug: record,
    info: record,
    warn: record,
    error: record,
  };
}

/** Writes a throw-away workflow module inside workflows/ so the project's lint config applies to it. */
async function withProbe(source: string, check: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(root, 'workflows', 'sandbox-probe-'));
  const file = join(dir, 'probe.ts');
  await writeFile(file, source);
  try {
    await check(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function lintRules(file: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
  return result?.messages ?? [];
}

test('the workflows bundle for the Temporal sandbox', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: capturingLogger([]),
  });
  assert.match(code, /meetingWorkflow/);
  assert.match(code, /roomWorkflow/);
});

test('a workflow importing a Node built-in fails the bundle and the lint rule', async () => {
  const source =
    "import { readFileSync } from 'node:fs';\n\nexport function bad(): string {\n  return readFileSync('/etc/hostname', 'utf8');\n}\n";
  await withProbe(source, async (file) => {
    const logged: string[] = [];
    await assert.rejects(bundleWorkflowCode({ workflowsPath: file, logger: capturingLogger(logged) }));
    assert.match(logged.join('\n'), /ERROR in node:fs|disallowed modules[\s\S]*fs/);
    const messages = await lintRules(file);
    assert.ok(
      messages.some((m) => m.ruleId === 'no-restricted-imports' && m.message.includes('node:fs')),
      JSON.stringify(messages),
    );
  });
});

test('a value import of activities into a workflow fails the lint rule; a type import passes', async () => {
  await withProbe(
    "import { createActivities } from '../../activities';\n\nexport const x = createActivities;\n",
    async (file) => {
      const messages = await lintRules(file);
      assert.ok(
        messages.some((m) => m.ruleId === 'no-restricted-imports'),
        JSON.stringify(messages),
      );
    },
  );
  await withProbe(
    "import type { Activities } from '../../activities';\n\nexport type X = Activities;\n",
    async (file) => {
      const messages = await lintRules(file);
      assert.deepEqual(
        messages.filter((m) => m.ruleId === 'no-restricted-imports'),
        [],
      );
    },
  );
});
