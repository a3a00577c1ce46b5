import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths whose values never reach a log line: keys, secrets, tokens and auth headers. */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'webhookSecret',
  '*.webhookSecret',
  'RECALL_API_KEY',
  'RECALL_WEBHOOK_SECRET',
  'API_TOKEN',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'zak',
  'token',
  '*.token',
];

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name ?? 'breakout-recorder',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
