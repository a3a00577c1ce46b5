import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ObjectHead } from './store';

/** Reads a stored object to its end for its size and sha256; undefined when there is no object. */
export async function hashStream(body: Readable | undefined): Promise<ObjectHead | undefined> {
  if (!body) return undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
