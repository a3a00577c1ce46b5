/**
 * Wraps a media response body so that it never delivers more than `maxBytes` and never hangs:
 * it fails with RecallApiError `too_large` on the first byte past the limit, and with `timeout`
 * when no byte arrived for `idleTimeoutMs` (media can legitimately take longer than any
 * whole-request deadline, so only silence counts).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { type Readable, Transform } from 'node:stream';
import { RecallApiError, RecallErrorCode } from './errors';
import type { CallContext } from './response-errors';

export interface Download {
  body: Readable;
  /** From `Content-Length`, when the server sent one. */
  contentLength?: number;
}

export function tooLargeError(ctx: CallContext, maxBytes: number, status: number): RecallApiError {
  return new RecallApiError({
    ...ctx,
    status,
    code: RecallErrorCode.tooLarge,
    detail: `media is larger than the limit of ${maxBytes} bytes`,
  });
}

export function sizeLimitedStream(options: {
  source: Readable;
  maxBytes: number;
  ctx: CallContext;
  status: number;
  /** Called on every chunk, so the caller can restart its idle timer. */
  onProgress: () => void;
  /** Maps an error of the source (socket reset, abort) to what the consumer should see. */
  mapError: (error: unknown) => Error;
  onClose: () => void;
}): Readable {
  const { source, maxBytes, ctx, status } = options;
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) {
        callback(tooLargeError(ctx, maxBytes, status));
        return;
      }
      options.onProgress();
      callback(null, chunk);
    },
  });
  // pipe() forwards data but not errors; errors are forwarded (mapped) by hand, and a consumer
  // that stops early or a limit breach releases the connection.
  source.on('error', (error) => limited.destroy(options.mapError(error)));
  limited.on('close', () => {
    options.onClose();
    if (!source.destroyed) source.destroy();
  });
  source.pipe(limited);
  return limited;
}

/**
 * SSRF guard for media URLs. They come from Recall's responses, so whoever can shape a response
 * (a compromised or spoofed API, a proxy) could otherwise make the worker fetch internal services
 * and store the answer as an artifact. Only https to public addresses is fetched; the one
 * exception is the configured Recall base URL's own origin when that is loopback (the emulator).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // BlockList checks IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 rules too.
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Loopback names and addresses: only such a Recall base URL (the emulator) may serve plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function downloadRefused(ctx: CallContext, detail: string): RecallApiError {
  return new RecallApiError({ ...ctx, status: 0, code: RecallErrorCode.downloadRefused, detail });
}

/**
 * Why `target` may not be fetched, or undefined. `trustedOrigin` is the loopback origin that is
 * fetched as is (the emulator); every other URL must be https, and an IP literal must be public.
 * Names are checked where they are resolved (`publicOnlyLookup`), so a name that points at a
 * private address is refused too, without a gap between the check and the connection.
 */
export function downloadTargetProblem(target: URL, trustedOrigin: string | undefined): string | undefined {
  if (trustedOrigin !== undefined && target.origin === trustedOrigin) return undefined;
  if (target.protocol !== 'https:') return `only https media URLs are fetched, got ${target.protocol}`;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isPublicAddress(host)) return `media host ${host} is not a public address`;
  return undefined;
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for sockets that resolves like Node does, and fails when any address is not public. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const failure = Object.assign(new Error(`media host ${hostname} resolves to a non-public address`), {
        code: 'EDOWNLOADREFUSED',
      });
      return callback(failure, []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
