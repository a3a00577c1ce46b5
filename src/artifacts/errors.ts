/** What the artifact store refuses, as classes the activities turn into typed Temporal failures. */

export class ArtifactTooLargeError extends Error {
  override name = 'ArtifactTooLargeError';
}

/** The body ended at another size than announced: a truncated transfer, worth another try. */
export class IncompleteBodyError extends Error {
  override name = 'IncompleteBodyError';
}

/** The disk cannot hold the object with the safety margin; space may be freed, so retry later. */
export class StoreFullError extends Error {
  override name = 'StoreFullError';
}

/** A key that would leave the store's root, directly or through a symlink planted under it. */
export class UnsafeKeyError extends Error {
  override name = 'UnsafeKeyError';
}
