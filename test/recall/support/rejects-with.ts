import assert from 'node:assert/strict';
import { RecallApiError } from '../../../src/recall';

/** Asserts that `promise` rejects with a RecallApiError whose fields match `expected`, and returns it. */
export async function rejectsWith(
  promise: Promise<unknown>,
  expected: Partial<RecallApiError>,
): Promise<RecallApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof RecallApiError, `expected RecallApiError, got ${String(caught)}`);
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(caught[key as keyof RecallApiError], value, `${key} of ${caught.message}`);
  }
  return caught;
}
