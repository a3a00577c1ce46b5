import { ApplicationFailure } from '@temporalio/activity';
import { StoreFullError, UnsafeKeyError } from '../src/artifacts/errors';

/** File system codes that mean the disk is full (space or inodes), not broken. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Maps an artifact store error onto a typed, retryable Temporal failure: a full disk, a planted
 * symlink or an I/O error are conditions an operator fixes while Temporal keeps retrying; none
 * of them may end the worker. The message carries the file system's code, never a URL.
 */
export function toStoreFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const full = err instanceof StoreFullError || (code !== undefined && FULL.has(code));
  return ApplicationFailure.create({
    type: full
      ? 'ArtifactStoreFull'
      : err instanceof UnsafeKeyError
        ? 'ArtifactStoreUnsafe'
        : 'ArtifactStoreUnavailable',
    message: `artifact store: ${message}`,
    details: code ? [{ code }] : [],
    cause: err instanceof Error ? err : undefined,
  });
}

export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toStoreFailure(err);
  }
}
