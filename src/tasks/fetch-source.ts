/**
 * Downloads a merchant catalog into `<data>/sources/<catalog>/`.
 *
 * - Conditional GET (If-None-Match / If-Modified-Since from the last fetch of that catalog): a 304,
 *   or a 200 whose bytes hash to the last file's, is "unchanged" and the pipeline stops there.
 * - HTTP 5xx, 408, 429, timeouts (no byte for `timeoutMs`) and network errors (refused, reset,
 *   DNS) are FEEDMILL_REMOTE_UNAVAILABLE, retryable; other 4xx and bad URLs are permanent.
 * - Bytes go to a hidden temporary name in the same folder, fsynced, then renamed: a reader
 *   never sees half a file, and an abort (cancel, timeout) leaves nothing behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';
import { FeedmillError, isFeedmillError } from '../errors.js';
import { charsetOf } from '../ingest/index.js';
import { assertName } from '../names.js';
import { isFileSystemError, sourceStoreError } from '../source-store-error.js';
import type { FetchState } from './fetch-state.js';

export interface FetchParams {
  catalog: string;
  url: string;
  /** Give up when no byte arrives for this long. @default 60_000 */
  timeoutMs?: number;
  /** Download even when the validators say unchanged. */
  force?: boolean;
}

export interface FetchResult {
  changed: boolean;
  path: string;
  bytes: number;
  sha256: string;
  status: number;
  /** The charset the server declared for the file (`Content-Type`), a hint for the ingest. */
  charset?: string;
}

export interface FetchDeps {
  config: Config;
  state: FetchState;
  signal: AbortSignal;
  now: () => number;
  progress?: (done: number, total: number | null) => void;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

export async function fetchSource(params: FetchParams, deps: FetchDeps): Promise<FetchResult> {
  const { config, state, signal } = deps;
  assertName(params.catalog, 'catalog');
  const url = parseUrl(params.url);
  const where = safeUrl(url);
  // fetch() refuses a URL with credentials (and its error would quote them): they go in a header.
  const authorization = basicAuthorization(url);
  const timeoutMs = params.timeoutMs ?? 60_000;
  const dir = join(dataPaths(config).sources, params.catalog);
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw isFileSystemError(e) ? sourceStoreError(e, dir, 'the downloaded catalog') : e;
  });
  const prev = state.get(params.catalog);
  const usable = prev !== undefined && prev.url === params.url && existsSync(prev.path) ? prev : undefined;
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (usable && !params.force) {
    if (usable.etag) headers['if-none-match'] = usable.etag;
    if (usable.lastModified) headers['if-modified-since'] = usable.lastModified;
  }

  // One controller for the caller's abort and the idle timeout, re-armed on every chunk.
  const controller = new AbortController();
  let timedOut = false;
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  const tmp = join(dir, `.fetch-${randomUUID()}.tmp`);
  let renamed = false;
  try {
    arm();
    const res = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    if (res.status === 304 && usable) {
      await res.body?.cancel();
      state.set({ ...usable, fetchedAt: deps.now() });
      return { changed: false, path: usable.path, bytes: usable.bytes, sha256: usable.sha256, status: 304, ...withCharset(usable.charset ?? null) };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw statusError(res.status, where);
    }
    const total = Number(res.headers.get('content-length') ?? NaN);
    const limit = config.maxUploadBytes;
    if (Number.isFinite(total) && total > limit) throw tooLarge(where, limit);
    const hash = createHash('sha256');
    let bytes = 0;
    const fh = await open(tmp, 'wx');
    try {
      if (res.body) {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          arm();
          bytes += chunk.byteLength;
          if (bytes > limit) throw tooLarge(where, limit);
          hash.update(chunk);
          await fh.write(chunk);
          deps.progress?.(bytes, Number.isFinite(total) ? total : null);
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    clearTimeout(idle);
    if (bytes === 0) throw new FeedmillError('FEEDMILL_SOURCE_EMPTY', `${where} returned no bytes; check the URL with the merchant`, { url: where });
    const sha256 = hash.digest('hex');
    const validators = { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
    const charset = charsetOf(res.headers.get('content-type')) ?? null;
    if (usable && usable.sha256 === sha256) {
      state.set({ ...usable, ...validators, charset, fetchedAt: deps.now() });
      return { changed: false, path: usable.path, bytes, sha256, status: 200, ...withCharset(charset) };
    }
    const fetchedAt = deps.now();
    const path = join(dir, `${fetchedAt}-${baseName(url)}`);
    await rename(tmp, path);
    renamed = true;
    await syncDir(dir);
    state.set({ catalog: params.catalog, url: params.url, ...validators, charset, sha256, path, bytes, fetchedAt });
    return { changed: true, path, bytes, sha256, status: 200, ...withCharset(charset) };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (timedOut) {
      throw new FeedmillError('FEEDMILL_REMOTE_UNAVAILABLE', `${where} sent nothing for ${timeoutMs} ms`, { url: where, reason: 'timeout', timeoutMs }, { retryable: true, cause: err });
    }
    if (isFeedmillError(err)) throw err;
    // The disk, not the shop: retrying the download would not help.
    if (isFileSystemError(err)) throw sourceStoreError(err, dir, 'the downloaded catalog');
    const code = networkCode(err);
    throw new FeedmillError(
      'FEEDMILL_REMOTE_UNAVAILABLE',
      `could not reach ${where}${code ? ` (${code})` : ''}; it will be retried`,
      { url: where, reason: 'network', errno: code ?? null },
      { retryable: true, cause: err },
    );
  } finally {
    clearTimeout(idle);
    signal.removeEventListener('abort', onAbort);
    if (!renamed) await rm(tmp, { force: true });
  }
}

function withCharset(charset: string | null): { charset?: string } {
  return charset === null ? {} : { charset };
}

function statusError(status: number, where: string): FeedmillError {
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return new FeedmillError('FEEDMILL_REMOTE_UNAVAILABLE', `${where} answered HTTP ${status}; it will be retried`, { url: where, status }, { retryable: true });
  }
  if (status === 404 || status === 410) {
    return new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', `${where} answered HTTP ${status}; check the catalog URL`, { url: where, status });
  }
  return new FeedmillError('FEEDMILL_SOURCE_FETCH_FAILED', `${where} answered HTTP ${status}; check the URL and its access rights`, { url: where, status });
}

function tooLarge(where: string, limit: number): FeedmillError {
  return new FeedmillError('FEEDMILL_SOURCE_FETCH_FAILED', `${where} is larger than the ${limit}-byte limit (FEEDMILL_MAX_UPLOAD_BYTES)`, {
    url: where,
    limit,
  });
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_SOURCE_FETCH_FAILED', 'the catalog URL is not a valid URL', { reason: 'url' }, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedmillError('FEEDMILL_SOURCE_FETCH_FAILED', `only http(s) URLs can be fetched, got ${url.protocol}`, { reason: 'url', protocol: url.protocol });
  }
  return url;
}

/**
 * `https://user:pass@host/...` (how shops protect their export URLs with HTTP basic auth): the
 * credentials as an Authorization header, taken out of `url`. Percent-escapes are decoded (a `@` in a
 * password is written `%40` in a URL).
 */
function basicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const pair = `${decode(url.username)}:${decode(url.password)}`;
  url.username = '';
  url.password = '';
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** The URL without credentials or query (they may hold secrets), for messages and logs. */
function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The last path segment, reduced to safe characters, so ingest can still see the extension. */
function baseName(url: URL): string {
  const raw = url.pathname.split('/').pop() ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed %-sequence: keep the raw text; the character filter below makes it safe.
  }
  const last = decoded.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return last.slice(-100) || 'source';
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
