/**
 * Feed pulls: `GET|HEAD /feeds/{catalog}/{token}/{file}` (token in the path, for fetchers that send
 * no headers) and `/feeds/{catalog}/{file}` with Basic or Bearer auth.
 *
 * The stored bytes are sent as they are wherever possible: with their strong ETag (the sha256 the
 * manifest records), Last-Modified, 304 and single-range 206/416. The plain `.xml` URL of a feed
 * stored gzipped sends the same bytes with `Content-Encoding: gzip` to clients that accept it, and
 * gunzips on the fly for the others (that representation has its own ETag, `"<sha256>-identity"`,
 * and takes no ranges). The file is opened once per request (see feed-file.ts), so a pull that
 * overlaps a republish gets one version whole.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FeedmillError } from '../errors.js';
import { headerSecret, requireCatalog, type Principal } from './auth.js';
import { acceptsGzip, notModified, selectRange } from './conditional.js';
import type { ServerContext } from './context.js';
import type { OpenedFeed } from './feed-file.js';
import { sendError } from './respond.js';
import type { RouteContext } from './router.js';

const TYPES: [RegExp, string][] = [
  [/\.gz$/, 'application/gzip'],
  [/\.xml$/, 'application/xml; charset=utf-8'],
  [/\.csv$/, 'text/csv; charset=utf-8'],
  [/\.tsv$/, 'text/tab-separated-values; charset=utf-8'],
  [/\.json$/, 'application/json; charset=utf-8'],
];

export function contentType(fileName: string): string {
  return TYPES.find(([re]) => re.test(fileName))?.[1] ?? 'text/plain; charset=utf-8';
}

export function feedRoute(ctx: ServerContext, tokenInPath: boolean) {
  return async ({ req, res, params }: RouteContext): Promise<void> => {
    const catalog = params.catalog as string;
    const fileName = params.file as string;
    const secret = tokenInPath ? params.token : headerSecret(req);
    const principal = requireCatalog(ctx.auth.authenticate(secret), catalog, 'feed');
    const started = Date.now();
    const feed = await ctx.feeds.open(catalog, fileName);
    let sent = 0;
    let encoding: string | null = null;
    res.on('close', () => {
      ctx.counters.feedRequests({ status: String(res.statusCode) });
      ctx.fetchLog.record({
        at: started,
        catalog,
        channel: feed.manifest.channel,
        fileName,
        sequence: feed.manifest.sequence,
        catalogVersion: feed.manifest.catalogVersion,
        sha256: feed.sha256,
        method: req.method ?? 'GET',
        status: res.statusCode,
        bytesSent: sent,
        complete: res.writableFinished,
        encoding,
        remoteAddr: req.socket.remoteAddress ?? null,
        userAgent: (req.headers['user-agent'] ?? '').slice(0, 256) || null,
        tokenId: tokenIdOf(principal),
        durationMs: Date.now() - started,
      });
    });
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        sent += chunk.length;
        ctx.counters.feedBytes(chunk.length);
        cb(null, chunk);
      },
    });
    try {
      const plan = representation(req, feed);
      encoding = plan.encoding;
      const headers: Record<string, string> = {
        ETag: plan.etag,
        'Last-Modified': feed.lastModified.toUTCString(),
        'Cache-Control': 'private, no-cache',
        'Content-Type': contentType(fileName),
        'X-Feedmill-Sequence': String(feed.manifest.sequence),
      };
      if (feed.negotiate) headers.Vary = 'Accept-Encoding';
      if (plan.encoding === 'gzip') headers['Content-Encoding'] = 'gzip';
      if (notModified(req.headers, plan.etag, feed.lastModified)) {
        delete headers['Content-Type'];
        res.writeHead(304, headers);
        res.end();
        return;
      }
      if (plan.encoding === 'identity') {
        // Decompressed on the fly: its length is unknown up front and ranges are not offered.
        headers['Accept-Ranges'] = 'none';
        res.writeHead(200, headers);
        if (req.method === 'HEAD') return void res.end();
        await pipeline(feed.handle.createReadStream({ autoClose: false }), createGunzip(), counter, res);
        return;
      }
      headers['Accept-Ranges'] = 'bytes';
      const range = selectRange(req.headers, feed.size, plan.etag, feed.lastModified);
      if (range.kind === 'unsatisfiable') {
        const err = new FeedmillError('FEEDMILL_HTTP_RANGE_NOT_SATISFIABLE', `the range is outside the ${feed.size} bytes of ${fileName}`, {
          size: feed.size,
        });
        sendError(req, res, err, { 'Content-Range': `bytes */${feed.size}`, ETag: plan.etag });
        return;
      }
      const start = range.kind === 'partial' ? range.start : 0;
      const end = range.kind === 'partial' ? range.end : feed.size - 1;
      headers['Content-Length'] = String(Math.max(0, end - start + 1));
      if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${feed.size}`;
      res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
      if (req.method === 'HEAD' || feed.size === 0) return void res.end();
      await pipeline(feed.handle.createReadStream({ start, end, autoClose: false }), counter, res);
    } finally {
      await feed.handle.close();
    }
  };
}

interface Representation {
  etag: string;
  /** null: the stored bytes, no Content-Encoding; gzip: stored gzip sent encoded; identity: gunzipped here. */
  encoding: 'gzip' | 'identity' | null;
}

function representation(req: IncomingMessage, feed: OpenedFeed): Representation {
  if (!feed.negotiate) return { etag: `"${feed.sha256}"`, encoding: null };
  return acceptsGzip(req.headers['accept-encoding']) ? { etag: `"${feed.sha256}"`, encoding: 'gzip' } : { etag: `"${feed.sha256}-identity"`, encoding: 'identity' };
}

function tokenIdOf(p: Principal): number | null {
  return p.kind === 'token' ? p.token.id : null;
}
