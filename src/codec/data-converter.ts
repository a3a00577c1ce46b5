/**
 * One place that turns configuration into the data converter every client and worker uses, so
 * none of them can be built without the codec when keys are configured.
 */
import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import { EncryptionCodec } from './encryption-codec';
import { codecKeysFrom, type CodecKeySettings } from './keys';

/** Undefined when no keys are configured: payloads then travel, and are stored, unencrypted. */
export function payloadCodecFrom(settings: CodecKeySettings): EncryptionCodec | undefined {
  const keys = codecKeysFrom(settings);
  return keys ? new EncryptionCodec(keys) : undefined;
}

/** The data converter for a client or worker; `{}` (the SDK's default) without keys. */
export function dataConverterFrom(settings: CodecKeySettings): DataConverter {
  const codec = payloadCodecFrom(settings);
  return codec ? { payloadCodecs: [codec] } : {};
}

/**
 * For long-running processes: the same, and says at start whether payloads are encrypted. Without
 * keys it warns loudly, since meeting passcodes and Zoom tokens then sit in clear in Temporal.
 */
export function dataConverterForProcess(settings: CodecKeySettings, logger: Logger): DataConverter {
  const codec = payloadCodecFrom(settings);
  if (!codec) {
    logger.warn(
      'PAYLOAD ENCRYPTION IS OFF: no PAYLOAD_CODEC_KEYS or PAYLOAD_CODEC_KEY_FILE, so meeting inputs ' +
        '(passcodes, ZAK and join-token URLs) are stored in clear in Temporal; set keys in production (docs/operating.md)',
    );
    return {};
  }
  logger.info({ primaryKeyId: codec.primaryKeyId }, 'payloads are encrypted (AES-256-GCM)');
  return { payloadCodecs: [codec] };
}
