/**
 * A catalog file that could not be stored in the data dir (an upload, a download): a local disk
 * problem, told apart from a remote one. A download that hit a full disk used to say it "could not
 * reach" the shop and would retry; an upload answered 500 with the raw errno.
 */
import { FeedmillError } from './errors.js';

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Calls that store a file; a socket's errors name others (`read`, `connect`, `getaddrinfo`). */
const STORE_CALLS = new Set(['open', 'write', 'fsync', 'fdatasync', 'close', 'rename', 'mkdir', 'unlink', 'ftruncate']);

/** True for an error of a file-system call that stores a file, not of a socket or a parser. */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  return err instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string' && STORE_CALLS.has(e.syscall);
}

export function sourceStoreError(err: NodeJS.ErrnoException, dir: string, what: string): FeedmillError {
  const errno = err.code ?? 'EIO';
  const why = FULL.has(errno)
    ? 'the data disk is full: free space on it (older sources are pruned, FEEDMILL_KEEP_SOURCES) and try again'
    : DENIED.has(errno)
      ? 'the data dir is not writable by feedmill: fix its owner or mount'
      : `${err.message}; check the data disk`;
  return new FeedmillError('FEEDMILL_SOURCE_STORE_FAILED', `storing ${what} in ${dir} failed (${errno}): ${why}`, { errno, op: err.syscall ?? null, dir }, { cause: err });
}
