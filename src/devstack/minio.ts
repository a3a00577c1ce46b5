import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './free-port';
import { resolveGoTool, type GoTool } from './go-tool';

/**
 * MinIO, the S3-compatible server of the tests and the topology run. The pseudo-version is what
 * `github.com/minio/minio@latest` resolved to on the module proxy; later MinIO source is not
 * published there, so it is pinned.
 */
export const MINIO: GoTool = {
  binary: 'minio',
  goPackage: 'github.com/minio/minio',
  version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  cacheName: 'minio',
  envOverride: 'MINIO_PATH',
};

export interface RunningMinio {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_S3`. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A client for the server (path-style, its credentials). */
  client(): S3Client;
  createBucket(bucket: string): Promise<void>;
  /** The environment a worker needs to use the server, in the variable names of docker-compose.yml. */
  env(bucket: string, prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts MinIO on a free port in a fresh data directory, building it first when needed. */
export async function startMinio(options: { log?: (line: string) => void } = {}): Promise<RunningMinio> {
  const binary = resolveGoTool(MINIO, { build: true, onPath: true, log: options.log });
  const dataDir = await mkdtemp(join(tmpdir(), 'breakout-minio-'));
  const port = await freePort();
  const consolePort = await freePort();
  const accessKeyId = 'breakout-test';
  const secretAccessKey = randomBytes(18).toString('base64url');
  const region = 'us-east-1';
  const child: ChildProcess = spawn(
    binary,
    ['server', dataDir, '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, delay(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`minio exited with ${child.exitCode}: ${stderr}`);
    }
    const live = await fetch(`${endpoint}/minio/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`minio did not answer /minio/health/live within 60 s: ${stderr}`);
    }
    await delay(200);
  }

  const client = () =>
    new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region,
    client,
    async createBucket(bucket) {
      const s3 = client();
      try {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      } finally {
        s3.destroy();
      }
    },
    env: (bucket, prefix = '') => ({
      ARTIFACTS_URL: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    }),
    stop,
  };
}
