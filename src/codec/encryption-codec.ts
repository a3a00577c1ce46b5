/**
 * AES-256-GCM payload codec. Each payload is serialized whole (metadata and data, as the
 * `temporal.api.common.v1.Payload` protobuf) and encrypted, so the server stores neither the
 * value nor its encoding. The wire format, for other languages (docs/other-languages.md):
 *
 *   metadata: { encoding: "binary/encrypted", "encryption-key-id": <key id> }
 *   data:     12-byte nonce ‖ ciphertext ‖ 16-byte GCM tag
 *
 * Decoding leaves alone any payload it did not encode: a service without the codec may start a
 * meeting with plain JSON (as `temporal workflow start --input` does) and it still works.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKey } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

export class EncryptionCodec implements PayloadCodec {
  readonly #primary: CodecKey;
  readonly #byId: ReadonlyMap<string, Buffer>;

  /** @param keys the first encrypts; all decrypt */
  constructor(keys: readonly CodecKey[]) {
    const [primary] = keys;
    if (!primary) throw new TypeError('EncryptionCodec needs at least one key');
    this.#primary = primary;
    this.#byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get primaryKeyId(): string {
    return this.#primary.id;
  }

  // Synchronous crypto, but failures must surface as rejections, as the interface promises.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((payload) => this.#encrypt(payload)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((payload) => this.#decrypt(payload)));
  }

  #encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#primary.key, nonce);
    const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA_KEY]: utf8(this.#primary.id),
      },
      data: sealed,
    };
  }

  #decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA_KEY]) ?? '';
    const key = this.#byId.get(keyId);
    // ValueError: a payload no configured key opens fails the task, it is not retried into success.
    if (!key) throw new ValueError(`payload encrypted with key id "${keyId}", which is not configured`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
    const nonce = data.subarray(0, NONCE_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, nonce);
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`encrypted payload does not authenticate under key id "${keyId}"`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
