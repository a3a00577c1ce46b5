import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { ArtifactsConfig } from '../config';
import { LocalArtifactStore } from './local-store';
import { parseS3Url, S3ArtifactStore } from './s3-store';

/**
 * The AWS variables a deployment sets for the S3 store (the SDK reads them; any other part of the
 * AWS environment and credential chain works too). docker-compose.yml and the topology test use
 * these names, and a test keeps them the same.
 */
export const S3_ENVIRONMENT: readonly string[] = [
  'AWS_ENDPOINT_URL_S3',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

/**
 * The store the configuration names: `ARTIFACTS_URL=s3://bucket/prefix` or `file:///path`, else
 * the directory `ARTIFACTS_DIR`. For S3 the SDK reads the standard AWS environment and credential
 * chain (`AWS_REGION`, `AWS_ENDPOINT_URL_S3`, `AWS_ACCESS_KEY_ID`, profiles, instance roles…).
 */
export function openArtifactStore(
  config: ArtifactsConfig,
  env: NodeJS.ProcessEnv = process.env,
): LocalArtifactStore | S3ArtifactStore {
  const url = config.ARTIFACTS_URL;
  if (!url) return new LocalArtifactStore(config.ARTIFACTS_DIR);
  if (url.startsWith('file://')) return new LocalArtifactStore(fileURLToPath(url));
  // The SDK reads these itself from process.env; passing them makes a given `env` work the same.
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const client = new S3Client({
    forcePathStyle: config.ARTIFACTS_S3_PATH_STYLE ?? Boolean(endpoint),
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } }
      : {}),
  });
  return new S3ArtifactStore(client, parseS3Url(url));
}
