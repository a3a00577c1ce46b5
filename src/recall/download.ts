/**
 * Wraps a media response body so that it never delivers more than `maxBytes` and never hangs:
 * it fails with RecallApiError `too_large` on the first byte past the limit, and with `timeout`
 * when no byte arrived for `idleTimeoutMs` (media can legitimately take longer than any
 * whole-request deadline, so only silence counts).
 */
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
