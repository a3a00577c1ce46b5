import { createHash } from 'node:crypto';
import { UnsafeKeyError } from './errors';

/** Well under the 255-byte file name limit of common file systems. */
const MAX_SEGMENT = 200;
const HASHED_PREFIX = MAX_SEGMENT - 65;

/**
 * Turns one key segment (a workflow ID such as `meeting/abc`, a room key, a bot id) into one
 * directory name, injectively: two different values never share a name. Letters, digits, `_`, `-`
 * and non-leading `.` stay readable; every other byte, `%` and a leading `.` included, becomes
 * `%XX`, so `a:b` is `a%3Ab` while `a_b` stays `a_b`, and no name is `.`, `..` or hidden (the
 * store's temporary files are hidden). A name too long for the file system keeps a readable
 * prefix and ends with `~` and the value's sha256 (`~` never appears otherwise).
 */
export function encodeSegment(value: string): string {
  if (value === '') throw new UnsafeKeyError('an artifact key segment is empty');
  let encoded = '';
  for (const [index, char] of [...value].entries()) {
    if (/^[A-Za-z0-9_-]$/.test(char) || (char === '.' && index > 0)) {
      encoded += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length <= MAX_SEGMENT) return encoded;
  const digest = createHash('sha256').update(value, 'utf8').digest('hex');
  return `${encoded.slice(0, HASHED_PREFIX)}~${digest}`;
}
