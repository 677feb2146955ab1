import { FeedmillError, isFeedmillError } from '../../errors.js';

/** Runs one file-system step; a failure becomes FEEDMILL_PUBLISH_FAILED naming the step and path. */
export async function fsStep<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isFeedmillError(err)) throw err;
    throw new FeedmillError(
      'FEEDMILL_PUBLISH_FAILED',
      `publishing failed at ${op} of ${path}: ${(err as Error).message}`,
      { op, path, errno: (err as NodeJS.ErrnoException).code ?? null },
      { cause: err },
    );
  }
}
