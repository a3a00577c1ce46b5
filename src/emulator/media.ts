import { createHash, createHmac } from 'node:crypto';
import type { MediaFile } from './types';

export type { MediaFile };

/** Files a recording serves; `kind` names match the audit log's artifact kinds where they overlap. */
export const MEDIA_FILES = {
  video: { name: 'video_mixed.mp4', contentType: 'video/mp4' },
  transcript: { name: 'transcript.json', contentType: 'application/json' },
  transcript_provider_data: { name: 'transcript_provider_data.json', contentType: 'application/json' },
  participants: { name: 'participants.json', contentType: 'application/json' },
  participant_events: { name: 'participant_events.json', contentType: 'application/json' },
  speaker_timeline: { name: 'speaker_timeline.json', contentType: 'application/json' },
  meeting_metadata: { name: 'meeting_metadata.json', contentType: 'application/json' },
} as const satisfies Record<MediaFile, { name: string; contentType: string }>;

export interface MediaSource {
  /** The file's bytes, or undefined when the recording has no such file (yet). */
  file(recordingId: string, file: MediaFile): Buffer | undefined;
}

export interface MediaResponse {
  status: number;
  contentType: string;
  body: Buffer | string;
  /** Which file a GET with a valid signature is for, and the URL's issue number (for per-URL faults). */
  served?: { recordingId: string; file: MediaFile; seq: number };
  /** The 403 came from the expireDownloadUrls fault or an expire_after_retrieve hit, not the TTL. */
  expiredByFault?: boolean;
}

/**
 * Pre-signed download URLs in the style of S3: the emulator serves them itself under `/_media/`,
 * stateless (issue sequence, issue time and an HMAC in the query), so retrieving bots in a loop does
 * not grow a table. They expire after the TTL, or all at once through the expireDownloadUrls fault.
 */
export class MediaUrls {
  private seq = 0;
  private expiredBelowSeq = 0;
  /** URLs expired one by one by the expire_after_retrieve fault. */
  private readonly expiredSeqs = new Set<number>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly ttlMs: number,
    private readonly signingKey: string,
    private readonly source: MediaSource,
  ) {}

  issue(recordingId: string, file: MediaFile): string {
    const path = `/_media/${recordingId}/${MEDIA_FILES[file].name}`;
    const query = `X-Amz-Date=${Date.now()}&X-Amz-Expires=${Math.round(this.ttlMs / 1000)}&n=${this.seq++}`;
    return `${this.baseUrl()}${path}?${query}&X-Amz-Signature=${this.sign(path, query)}`;
  }

  expireAll(): void {
    this.expiredBelowSeq = this.seq;
  }

  /** Expires one URL for good: retrying it answers 403, only a newly issued URL works. */
  expire(seq: number): MediaResponse {
    this.expiredSeqs.add(seq);
    return { ...expired(), expiredByFault: true };
  }

  serve(path: string, search: URLSearchParams): MediaResponse {
    const match = /^\/_media\/([^/]+)\/([^/]+)$/.exec(path);
    const file = match
      ? (Object.keys(MEDIA_FILES) as MediaFile[]).find((f) => MEDIA_FILES[f].name === match[2])
      : undefined;
    if (!match || !file) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    const issuedAt = Number(search.get('X-Amz-Date'));
    const seq = Number(search.get('n'));
    const query = `X-Amz-Date=${search.get('X-Amz-Date')}&X-Amz-Expires=${search.get('X-Amz-Expires')}&n=${search.get('n')}`;
    if (search.get('X-Amz-Signature') !== this.sign(path, query)) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    const served = { recordingId: match[1]!, file, seq };
    if (seq < this.expiredBelowSeq || this.expiredSeqs.has(seq)) return { ...expired(), expiredByFault: true, served };
    if (Date.now() > issuedAt + this.ttlMs) return expired();
    const body = this.source.file(served.recordingId, file);
    if (!body) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return { status: 200, contentType: MEDIA_FILES[file].contentType, body, served };
  }

  private sign(path: string, query: string): string {
    return createHmac('sha256', this.signingKey).update(`${path}?${query}`).digest('hex');
  }
}

const S3_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['InvalidRequest', 'Invalid Request'],
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

/** The body S3 answers with for `status` (503 is S3's throttling answer, `SlowDown`). */
export function s3ErrorFor(status: number): MediaResponse {
  const [code, message] = S3_ERRORS[status] ?? (status >= 500 ? S3_ERRORS[500]! : S3_ERRORS[400]!);
  return s3Error(status, code, message);
}

function expired(): MediaResponse {
  return s3Error(403, 'AccessDenied', 'Request has expired');
}

function s3Error(status: number, code: string, message: string): MediaResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { status, contentType: 'application/xml', body };
}

/**
 * Deterministic stand-in for the mixed video: an `ftyp` box, then pseudo-random bytes seeded from the
 * emulator seed and the recording id, a few tens of KB growing with the recording's length.
 */
export function videoBytes(seed: number, recordingId: string, durationSeconds: number): Buffer {
  const size = Math.min(20_000 + Math.round(durationSeconds * 50), 400_000);
  const digest = createHash('sha256').update(`${seed}:${recordingId}`).digest();
  const out = Buffer.alloc(size);
  out.write('\u0000\u0000\u0000\u0018ftypmp42\u0000\u0000\u0000\u0000mp42isom', 0, 'latin1');
  let x = digest.readUInt32LE(0) || 1;
  for (let i = 24; i + 4 <= size; i += 4) {
    // xorshift32: filler bytes only, chosen for speed.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
