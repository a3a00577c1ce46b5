/** Placeholder and weak secrets stop the process at start, with a message that names the variable. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadCodecServerConfig, loadConfig } from '../../src/config';

const GOOD = {
  RECALL_API_KEY: randomBytes(20).toString('hex'),
  RECALL_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
};

/** The values `.env.example` ships with, as a new user copies them. */
function example(name: string): string {
  const line = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8')
    .split('\n')
    .find((l) => new RegExp(`^#?\\s*${name}=`).test(l));
  assert.ok(line, `${name} is in .env.example`);
  return line.slice(line.indexOf('=') + 1);
}

function refused(env: Record<string, string>, pattern: RegExp, load: (env: NodeJS.ProcessEnv) => unknown = loadConfig) {
  assert.throws(
    () => load(env),
    (e) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, pattern);
      for (const value of Object.values(env)) if (value.length > 8) assert.ok(!e.message.includes(value));
      return true;
    },
  );
}

test('the placeholders of .env.example are refused, each naming its variable', () => {
  refused({ ...GOOD, RECALL_API_KEY: example('RECALL_API_KEY') }, /^RECALL_API_KEY is invalid: is the placeholder/);
  refused(
    { ...GOOD, RECALL_WEBHOOK_SECRET: example('RECALL_WEBHOOK_SECRET') },
    /^RECALL_WEBHOOK_SECRET is invalid: is the placeholder/,
  );
  refused({ ...GOOD, API_TOKEN: example('API_TOKEN') }, /^API_TOKEN is invalid: is the placeholder/);
  refused(
    { CODEC_AUTH_TOKEN: example('CODEC_AUTH_TOKEN') },
    /^CODEC_AUTH_TOKEN is invalid: is the placeholder/,
    loadCodecServerConfig,
  );
});

test('a whsec_ value that does not decode, or decodes to under 24 bytes, is refused', () => {
  refused(
    { ...GOOD, RECALL_WEBHOOK_SECRET: 'whsec_not*base64' },
    /^RECALL_WEBHOOK_SECRET is invalid: must be whsec_<base64>/,
  );
  refused({ ...GOOD, RECALL_WEBHOOK_SECRET: 'whsec_abc' }, /^RECALL_WEBHOOK_SECRET is invalid: must be whsec_<base64>/);
  refused(
    { ...GOOD, RECALL_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString('base64')}` },
    /^RECALL_WEBHOOK_SECRET is invalid: decodes to 16 bytes; at least 24/,
  );
  refused({ ...GOOD, RECALL_WEBHOOK_SECRET: randomBytes(24).toString('base64') }, /^RECALL_WEBHOOK_SECRET is invalid/);
});

test('an API_TOKEN with too little entropy is refused; a random one is accepted', () => {
  for (const weak of ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'password1234password1234', 'short-token-1234']) {
    refused({ ...GOOD, API_TOKEN: weak }, /^API_TOKEN is invalid: has too little entropy/);
  }
  for (const strong of [randomBytes(32).toString('hex'), randomBytes(24).toString('base64url')]) {
    assert.equal(loadConfig({ ...GOOD, API_TOKEN: strong }).API_TOKEN, strong);
  }
});

test('real-looking secrets pass', () => {
  const config = loadConfig(GOOD);
  assert.equal(config.RECALL_WEBHOOK_SECRET, GOOD.RECALL_WEBHOOK_SECRET);
});
