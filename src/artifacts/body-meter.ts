import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { ArtifactTooLargeError, IncompleteBodyError } from './errors';
import type { ArtifactKey, PutOptions, StoredObject } from './store';

/**
 * The pass-through every store puts a body through: counts and hashes it, refuses a byte past
 * `maxBytes`, and refuses a body shorter than `expectedBytes` before its end reaches the store, so a
 * cut-short download never becomes an object.
 */
export function bodyMeter(key: ArtifactKey, options: PutOptions) {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (options.maxBytes !== undefined && bytes > options.maxBytes) {
        callback(new ArtifactTooLargeError(`${key.name} is larger than ${options.maxBytes} bytes`));
        return;
      }
      hash.update(chunk);
      options.onProgress?.(bytes);
      callback(null, chunk);
    },
    flush(callback) {
      if (options.expectedBytes !== undefined && bytes !== options.expectedBytes) {
        callback(new IncompleteBodyError(`${key.name}: received ${bytes} of ${options.expectedBytes} bytes`));
        return;
      }
      callback();
    },
  });
  return {
    stream,
    /** Size and sha256 of what passed, once the body has ended. */
    digest: (): Omit<StoredObject, 'uri'> => ({ bytes, sha256: hash.digest('hex') }),
  };
}
