/**
 * Payload encryption keys: `<id>:<base64 of 32 bytes>` entries, comma- or newline-separated, from
 * PAYLOAD_CODEC_KEYS or the file named by PAYLOAD_CODEC_KEY_FILE. The first key encrypts; every
 * key decrypts, so a new key goes first and the old one stays listed until no open history
 * still needs it. Errors name the variable and the key id, never key material.
 */
import { readFileSync } from 'node:fs';

export interface CodecKey {
  /** Written into each payload's metadata, so decoding picks the right key after a rotation. */
  id: string;
  key: Buffer;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key list that cannot be used; the message names the variable it came from. */
export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}

/** Parses a key list; `source` is the variable named in errors. */
export function parseCodecKeys(text: string, source: string): CodecKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  if (entries.length === 0) throw new CodecKeyError(`${source} holds no key`);
  const keys: CodecKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? '' : entry.slice(0, colon);
    const material = colon === -1 ? entry : entry.slice(colon + 1);
    const position = `${source} entry ${index + 1}`;
    if (!KEY_ID.test(id)) {
      throw new CodecKeyError(
        `${position} must be <key id>:<base64 key>, the id 1-64 letters, digits, ".", "_" or "-"`,
      );
    }
    const key = BASE64.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      throw new CodecKeyError(`${position} (key id "${id}") must be base64 of exactly ${KEY_BYTES} bytes (AES-256)`);
    }
    if (keys.some((k) => k.id === id)) throw new CodecKeyError(`${position}: key id "${id}" is listed twice`);
    keys.push({ id, key });
  });
  return keys;
}

export interface CodecKeySettings {
  PAYLOAD_CODEC_KEYS?: string | undefined;
  PAYLOAD_CODEC_KEY_FILE?: string | undefined;
}

/** The configured keys, or undefined when none are configured (payloads then travel unencrypted). */
export function codecKeysFrom(settings: CodecKeySettings): CodecKey[] | undefined {
  if (settings.PAYLOAD_CODEC_KEYS && settings.PAYLOAD_CODEC_KEY_FILE) {
    throw new CodecKeyError('PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_KEY_FILE are both set: set one');
  }
  if (settings.PAYLOAD_CODEC_KEYS) return parseCodecKeys(settings.PAYLOAD_CODEC_KEYS, 'PAYLOAD_CODEC_KEYS');
  if (settings.PAYLOAD_CODEC_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(settings.PAYLOAD_CODEC_KEY_FILE, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CodecKeyError(`PAYLOAD_CODEC_KEY_FILE cannot be read (${code})`);
    }
    return parseCodecKeys(text, 'PAYLOAD_CODEC_KEY_FILE');
  }
  return undefined;
}
