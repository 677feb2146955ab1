/**
 * Catalog uploads: the body is streamed to `sources/<catalog>/` under a hidden temporary name,
 * counted against the size limit as it arrives, fsynced, then renamed to its final name. Until the
 * rename nothing is visible; any failure (client gone, too large, not a catalog, disk error) removes
 * the temporary file, so an interrupted upload leaves no file and, since the task is queued only
 * after the rename, no task. Memory use is one chunk: each chunk is written before the next is read.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../emit/publish/index.js';
import { FeedmillError, isFeedmillError } from '../errors.js';
import { isFileSystemError, sourceStoreError } from '../source-store-error.js';
import { SNIFF_BYTES, sniffUpload, type UploadKind } from './upload-sniff.js';

export interface StoredUpload {
  path: string;
  fileName: string;
  bytes: number;
  kind: UploadKind;
}

export interface ReceiveOptions {
  /** sources/<catalog> */
  dir: string;
  maxBytes: number;
  /** Called with each chunk's size as it is stored (metrics). */
  onBytes?: ((n: number) => void) | undefined;
}

const EXTENSIONS: Record<UploadKind, string> = { gzip: '.gz', zip: '.zip', xml: '.xml', csv: '.csv' };

/** Throws 413 / 415 for what the headers alone show; the body is not touched. */
export function checkUploadHeaders(req: IncomingMessage, maxBytes: number): void {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new FeedmillError('FEEDMILL_HTTP_UNSUPPORTED_TYPE', `Content-Encoding ${encoding} is not taken; send the file as is, or gzip it`, {
      contentEncoding: encoding,
    });
  }
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) {
    throw new FeedmillError('FEEDMILL_HTTP_TOO_LARGE', `the upload declares ${declared} bytes; the limit is ${maxBytes}`, { declared, limit: maxBytes });
  }
}

export function declaredLength(req: IncomingMessage): number | undefined {
  const h = req.headers['content-length'];
  if (h === undefined) return undefined;
  const n = Number(h);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export async function receiveUpload(req: IncomingMessage, options: ReceiveOptions): Promise<StoredUpload> {
  checkUploadHeaders(req, options.maxBytes);
  const gzipEncoded = (req.headers['content-encoding'] ?? '').trim().toLowerCase() === 'gzip';
  const id = `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`;
  const temp = join(options.dir, `.upload-${id}.part`);
  let file: FileHandle;
  try {
    await mkdir(options.dir, { recursive: true });
    file = await open(temp, 'wx', 0o640);
  } catch (err) {
    throw isFileSystemError(err) ? sourceStoreError(err, options.dir, 'the upload') : err;
  }
  let closed = false;
  try {
    let bytes = 0;
    let kind: UploadKind | undefined;
    let head: Buffer[] = [];
    let headBytes = 0;
    const decide = async () => {
      const sample = Buffer.concat(head);
      kind = sniffUpload(sample.subarray(0, SNIFF_BYTES));
      if (kind === undefined || (gzipEncoded && kind !== 'gzip')) {
        throw new FeedmillError(
          'FEEDMILL_HTTP_UNSUPPORTED_TYPE',
          gzipEncoded
            ? 'the body is declared Content-Encoding: gzip but is not gzip'
            : 'the body is not a catalog: send CSV or XML text, or a gzip or zip file holding one',
          { contentEncoding: gzipEncoded ? 'gzip' : 'identity' },
        );
      }
      await writeAll(file, sample);
      head = [];
    };
    for await (const chunk of readChunks(req)) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) {
        throw new FeedmillError('FEEDMILL_HTTP_TOO_LARGE', `the upload passed the limit of ${options.maxBytes} bytes; it was not stored`, {
          limit: options.maxBytes,
        });
      }
      options.onBytes?.(chunk.length);
      if (kind === undefined) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) await decide();
      } else {
        await writeAll(file, chunk);
      }
    }
    // The parser ends the body early when the client goes away mid-body; the request says so.
    if (!req.complete) throw incomplete(bytes, declaredLength(req));
    if (bytes === 0) throw new FeedmillError('FEEDMILL_SOURCE_EMPTY', 'the upload is empty; send the catalog file as the body', {});
    if (kind === undefined) await decide();
    await file.sync();
    await file.close();
    closed = true;
    const fileName = `${id}${EXTENSIONS[kind as UploadKind]}`;
    const path = join(options.dir, fileName);
    await rename(temp, path);
    await fsyncDir(options.dir);
    return { path, fileName, bytes, kind: kind as UploadKind };
  } catch (err) {
    if (!closed) await file.close().catch(() => {});
    await rm(temp, { force: true });
    if (isFeedmillError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
      throw incomplete(undefined, declaredLength(req), err);
    }
    if (isFileSystemError(err)) throw sourceStoreError(err, options.dir, 'the upload');
    throw new FeedmillError('FEEDMILL_INTERNAL', `storing the upload failed: ${(err as Error).message}`, { errno: code ?? null }, { cause: err });
  }
}

/**
 * The body chunk by chunk. Unlike iterating the request itself, leaving the loop early (413, 415)
 * does not destroy the request and with it the socket, so the coded answer still reaches the client.
 */
async function* readChunks(req: IncomingMessage): AsyncGenerator<Buffer> {
  for (;;) {
    const chunk = req.read() as Buffer | null;
    if (chunk !== null) {
      yield chunk;
      continue;
    }
    if (req.readableEnded) return;
    if (req.destroyed) throw incomplete(undefined, declaredLength(req));
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        req.off('readable', onReady);
        req.off('end', onReady);
        req.off('close', onReady);
        req.off('error', settle);
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => settle();
      req.on('readable', onReady);
      req.on('end', onReady);
      req.on('close', onReady);
      req.on('error', settle);
    });
  }
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

function incomplete(received: number | undefined, declared: number | undefined, cause?: unknown): FeedmillError {
  return new FeedmillError(
    'FEEDMILL_HTTP_UPLOAD_INCOMPLETE',
    'the upload was cut before its end; nothing was stored, send it again',
    { received: received ?? null, declared: declared ?? null },
    cause === undefined ? {} : { cause },
  );
}

/** Deletes a stored upload whose task could not be queued: no file without its task. */
export async function discardUpload(upload: StoredUpload): Promise<void> {
  await rm(upload.path, { force: true });
}
