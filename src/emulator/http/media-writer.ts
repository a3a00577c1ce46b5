import type { ServerResponse } from 'node:http';
import type { WireFault } from '../core';
import type { MediaResponse } from '../media';

/**
 * Writes a `/_media/` answer, carrying out a wire-level media fault the way storage fails under load:
 * the headers promise the whole file, then the connection is reset, closed early, or goes silent.
 */
export function writeMedia(res: ServerResponse, method: string, response: MediaResponse, wire?: WireFault): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  res.writeHead(response.status, { 'content-type': response.contentType, 'content-length': body.length });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  if (!wire) {
    res.end(body);
    return;
  }
  res.flushHeaders();
  switch (wire.type) {
    case 'reset': {
      const sent = Math.min(Math.max(0, wire.afterBytes ?? Math.floor(body.length / 2)), body.length - 1);
      // RST rather than FIN: the client sees ECONNRESET, as when a storage node drops mid-transfer. The
      // pause lets the bytes sent reach the client first; an RST right behind them can discard them.
      res.write(body.subarray(0, sent), () => setTimeout(() => res.socket?.resetAndDestroy(), 20).unref());
      return;
    }
    case 'short_body':
      // FIN after half the promised bytes: the client sees the body end before content-length.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.end());
      return;
    case 'stall': {
      const timer = setTimeout(() => res.end(body), wire.ms);
      // A stalled download must not hold the emulator open, nor outlive its client.
      timer.unref();
      res.once('close', () => clearTimeout(timer));
      return;
    }
  }
}
