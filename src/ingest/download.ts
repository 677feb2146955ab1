/**
 * Downloads a catalog URL into the data dir before ingesting it: zip archives need random access,
 * and the kept source lets a lost RAM-disk staging be rebuilt. Streamed to a temporary name and
 * renamed when complete, so an interrupted download leaves nothing that looks like a source.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FeedmillError } from '../errors.js';

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export async function downloadSource(url: string, dir: string, signal?: AbortSignal): Promise<{ path: string; name: string }> {
  await mkdir(dir, { recursive: true });
  let res: Response;
  try {
    res = await fetch(url, { signal: signal ?? null, redirect: 'follow' });
  } catch (e) {
    throw new FeedmillError('FEEDMILL_REMOTE_UNAVAILABLE', `cannot reach ${redactUrl(url)}: ${(e as Error).message}`, { url: redactUrl(url) }, { cause: e, retryable: true });
  }
  if (!res.ok || res.body === null) {
    const retryable = res.status >= 500 || res.status === 429;
    throw new FeedmillError(
      retryable ? 'FEEDMILL_REMOTE_UNAVAILABLE' : 'FEEDMILL_SOURCE_FETCH_FAILED',
      `fetching ${redactUrl(url)} answered HTTP ${res.status}${retryable ? '; will retry' : '; check the URL and its credentials'}`,
      { url: redactUrl(url), status: res.status },
      { retryable },
    );
  }
  const name = (new URL(url).pathname.split('/').pop() || 'catalog').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  const final = join(dir, `${Date.now()}-${name}`);
  const partial = `${final}.part`;
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(partial), { signal: signal ?? new AbortController().signal });
    await rename(partial, final);
  } catch (e) {
    await rm(partial, { force: true });
    throw new FeedmillError('FEEDMILL_REMOTE_UNAVAILABLE', `the download of ${redactUrl(url)} broke off: ${(e as Error).message}`, { url: redactUrl(url) }, { cause: e, retryable: true });
  }
  return { path: final, name };
}

/** URLs may carry credentials (user:pass@ or ?token=): never log or store them. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = u.search ? '?…' : '';
    return u.toString();
  } catch {
    return '[invalid url]';
  }
}
