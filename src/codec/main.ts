/**
 * `breakout codec-server` / `npm run codec-server`: the codec server process. A process of its own,
 * not part of the receiver: the receiver faces the internet, and this one holds the keys and must
 * not (it listens on 127.0.0.1 by default; compose publishes it on 127.0.0.1 only).
 */
import '../../scripts/node-version';
import { ConfigError, loadCodecServerConfig, type CodecServerConfig } from '../config';
import { createLogger } from '../logger';
import { payloadCodecFrom } from './data-converter';
import { buildCodecServer } from './server';

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

export async function runCodecServer(config: CodecServerConfig): Promise<RunningCodecServer> {
  const codec = payloadCodecFrom(config);
  if (!codec) throw new ConfigError('PAYLOAD_CODEC_KEYS is missing: the codec server needs the keys the workers use');
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'codec-server' });
  const webUiOrigins = config.CODEC_CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const server = buildCodecServer({ codec, authToken: config.CODEC_AUTH_TOKEN, corsOrigins: webUiOrigins, logger });
  const url = await server.listen({ host: config.CODEC_SERVER_HOST, port: config.CODEC_SERVER_PORT });
  // The Web UI at these origins decodes without the token, over loopback only (server.ts).
  logger.info({ url, primaryKeyId: codec.primaryKeyId, webUiOrigins }, 'codec server up');
  return { url, close: () => server.close() };
}

export async function main(): Promise<void> {
  let running: RunningCodecServer;
  try {
    running = await runCodecServer(loadCodecServerConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`breakout-recorder: configuration error: ${error.message}`);
    process.exit(1);
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('breakout-recorder codec server: failed to start', error);
    process.exit(1);
  });
}
