/** The payload codec: round trips, rotation, pass-through of plain payloads, and refused keys. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultPayloadConverter, ValueError } from '@temporalio/common';
import { CodecKeyError, codecKeysFrom, EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { ConfigError, loadClientConfig } from '../../src/config';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const MEETING = { meetingUrl: 'https://us02web.zoom.us/j/123456789?pwd=S3cr3tPasscode', rooms: [{ key: 'a' }] };

test('encodes every payload so that nothing of the value is left in it, and decodes it back', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(keyText('k1'), 'PAYLOAD_CODEC_KEYS'));
  const plain = defaultPayloadConverter.toPayload(MEETING);
  const [encoded] = await codec.encode([plain]);
  assert.ok(encoded);
  const wire = Buffer.concat([
    Buffer.from(encoded.data!),
    ...Object.values(encoded.metadata!).map((v) => Buffer.from(v)),
  ]);
  assert.equal(wire.includes('pwd='), false);
  assert.equal(wire.includes('json/plain'), false, 'the original encoding is encrypted too');
  assert.equal(Buffer.from(encoded.metadata!['encryption-key-id']!).toString(), 'k1');
  const [decoded] = await codec.decode([encoded]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), MEETING);
});

test('decode leaves payloads it did not encode alone: plain JSON from a service without the codec works', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(keyText('k1'), 'PAYLOAD_CODEC_KEYS'));
  const plain = defaultPayloadConverter.toPayload(MEETING);
  assert.deepEqual(await codec.decode([plain]), [plain]);
});

test('rotation: the first key encrypts, every listed key decrypts, an unlisted key id is a ValueError', async () => {
  const one = keyText('one');
  const two = keyText('two');
  const old = new EncryptionCodec(parseCodecKeys(one, 'PAYLOAD_CODEC_KEYS'));
  const rotated = new EncryptionCodec(parseCodecKeys(`${two},${one}`, 'PAYLOAD_CODEC_KEYS'));
  const [underOne] = await old.encode([defaultPayloadConverter.toPayload('hello')]);
  const [underTwo] = await rotated.encode([defaultPayloadConverter.toPayload('hello')]);
  assert.equal(Buffer.from(underTwo!.metadata!['encryption-key-id']!).toString(), 'two');
  assert.equal(defaultPayloadConverter.fromPayload((await rotated.decode([underOne!]))[0]!), 'hello');
  await assert.rejects(old.decode([underTwo!]), (e) => e instanceof ValueError && /"two"/.test(e.message));
});

test('a tampered payload does not decode', async () => {
  const codec = new EncryptionCodec(parseCodecKeys(keyText('k1'), 'PAYLOAD_CODEC_KEYS'));
  const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('hello')]);
  const data = Buffer.from(encoded!.data!);
  data[20] = data[20]! ^ 1;
  await assert.rejects(codec.decode([{ ...encoded!, data }]), ValueError);
});

test('keys that are not 32 bytes, malformed entries and duplicates are refused, naming the variable, never the key', () => {
  const short = randomBytes(16).toString('base64');
  for (const [text, pattern] of [
    [`k1:${short}`, /PAYLOAD_CODEC_KEYS entry 1 \(key id "k1"\) must be base64 of exactly 32 bytes/],
    [randomBytes(32).toString('base64'), /PAYLOAD_CODEC_KEYS entry 1 must be <key id>:<base64 key>/],
    [`${keyText('a')},a:not-base64!`, /entry 2 \(key id "a"\)/],
    [`${keyText('a')},${keyText('a')}`, /"a" is listed twice/],
  ] as const) {
    assert.throws(
      () => parseCodecKeys(text, 'PAYLOAD_CODEC_KEYS'),
      (e) => e instanceof CodecKeyError && pattern.test(e.message) && !e.message.includes(short),
    );
  }
  assert.throws(
    () => loadClientConfig({ PAYLOAD_CODEC_KEYS: `k1:${short}` }),
    (e) => e instanceof ConfigError && /^PAYLOAD_CODEC_KEYS is invalid: .*32 bytes/.test(e.message),
  );
});

test('keys come from a key file too, one per line with comments; a missing file names PAYLOAD_CODEC_KEY_FILE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'codec-keys-'));
  try {
    const file = join(dir, 'keys');
    await writeFile(file, `# newest first\n${keyText('2026-10')}\n${keyText('2026-09')}\n`);
    assert.deepEqual(
      codecKeysFrom({ PAYLOAD_CODEC_KEY_FILE: file })?.map((k) => k.id),
      ['2026-10', '2026-09'],
    );
    assert.throws(
      () => loadClientConfig({ PAYLOAD_CODEC_KEY_FILE: join(dir, 'absent') }),
      (e) =>
        e instanceof ConfigError && /^PAYLOAD_CODEC_KEY_FILE is invalid: cannot be read \(ENOENT\)/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without keys there is no codec: the project runs as before', () => {
  assert.equal(codecKeysFrom({}), undefined);
});
