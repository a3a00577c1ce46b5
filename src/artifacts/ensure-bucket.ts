/**
 * One-shot: creates the bucket `ARTIFACTS_URL` names when it does not exist yet (the `minio-bucket`
 * job of docker-compose.yml, and the topology test). Waits up to a minute for the store to answer;
 * exits 1 with the reason otherwise.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CreateBucketCommand, HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { loadArtifactsConfig } from '../config';
import { openArtifactStore } from './open-store';
import { S3ArtifactStore } from './s3-store';

const ATTEMPTS = 30;

export async function ensureBucket(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const store = openArtifactStore(loadArtifactsConfig(env), env);
  if (!(store instanceof S3ArtifactStore)) throw new Error('ARTIFACTS_URL is not an s3:// URL');
  const { client, bucket } = store;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
      return `bucket ${bucket} exists`;
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return `bucket ${bucket} created`;
      }
      if (attempt >= ATTEMPTS) throw err;
      await delay(2_000);
    }
  }
}

if (require.main === module) {
  ensureBucket().then(
    (line) => console.log(line),
    (err: unknown) => {
      console.error('minio-bucket:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
