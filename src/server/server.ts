/**
 * The HTTP server of feedmill (node:http, no framework): routes, hardening and graceful shutdown.
 *
 * Hardening: header and socket-idle timeouts against slow clients (a body that stalls is cut and
 * its upload discarded), a cap on concurrent uploads, strict patterns on every path segment (see
 * router.ts and ids.ts), raw paths never normalised or decoded, tokens never in logs (routes are
 * logged by pattern), internal error details never in answers.
 * Shutdown: stop accepting, end event streams, let in-flight requests finish within a grace
 * period (then cut them: a cut upload leaves nothing), run `onClose` (the serve command stops its
 * bots there, which puts their running tasks back to TO_DO), flush the fetch log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CatalogRegistry } from '../catalogs/index.js';
import { dataPaths, type Config } from '../config.js';
import { openAppDb, type AppDb } from '../db/index.js';
import { FeedmillError, toFeedmillError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { CatalogVersions } from '../staging/index.js';
import { catalogLane, SqliteTaskStore, type TaskStore } from '../tasks/index.js';
import { registerCatalogRoutes } from './api-catalogs.js';
import { registerTaskRoutes } from './api-tasks.js';
import { uploadRoute } from './api-uploads.js';
import { createAuthenticator, headerSecret, requireAuth, requireCatalog } from './auth.js';
import type { ServerContext, UploadTaskBuilder } from './context.js';
import { EventHub } from './events.js';
import { FeedFiles } from './feed-file.js';
import { feedRoute } from './feeds.js';
import { FetchLog } from './fetch-log.js';
import { isCatalogName, isFeedFileName, isTokenShape } from './ids.js';
import { Metrics } from './metrics.js';
import { sendError, sendJson } from './respond.js';
import { Router } from './router.js';
import { taskCounts } from './task-stats.js';
import { TokenStore } from './tokens.js';
import { pipelineTaskForUpload } from './upload-task.js';

export interface ServerOptions {
  config: Config;
  /** The app DB; opened from config (and closed on close) when not given. */
  db?: AppDb | undefined;
  /** The task store; a SqliteTaskStore on `db` when not given. */
  store?: TaskStore | undefined;
  log?: Logger | undefined;
  /** @default '127.0.0.1' */
  host?: string | undefined;
  /** 0 picks a free port. @default config.port */
  port?: number | undefined;
  /** The task queued after an upload. @default a `pipeline` in the catalog's lane */
  uploadTask?: UploadTaskBuilder | undefined;
  /** @default 4 */
  maxConcurrentUploads?: number | undefined;
  /** Time a client has to send its request headers. @default 20_000 */
  headersTimeoutMs?: number | undefined;
  /** A socket silent for this long is closed (a stalled upload is cut). @default 60_000 */
  idleTimeoutMs?: number | undefined;
  /** @default 5_000 */
  keepAliveTimeoutMs?: number | undefined;
  /** In-flight requests get this long to finish on close. @default 10_000 */
  shutdownGraceMs?: number | undefined;
  /** @default 250 */
  eventPollMs?: number | undefined;
  /** Channel definitions folder for catalog validation. @default the repository's feeds/ */
  channelsDir?: string | undefined;
  /** Base of feed URLs in answers, e.g. https://feeds.example.com. */
  publicUrl?: string | undefined;
  /** Run during close, after requests drained (stop bots here). */
  onClose?: (() => Promise<void>) | undefined;
}

const UPLOAD_ROUTE = '/api/v1/catalogs/:catalog/source';

export class FeedmillServer {
  readonly server: Server;
  readonly context: ServerContext;
  readonly #options: ServerOptions;
  readonly #router = new Router();
  readonly #ownsDb: boolean;
  readonly #sockets = new Set<Socket>();
  readonly #started = Date.now();
  #inFlight = 0;
  #drained: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ServerOptions) {
    this.#options = options;
    const { config } = options;
    const log = (options.log ?? silentLogger).child({ area: 'server' });
    this.#ownsDb = options.db === undefined;
    const db = options.db ?? openAppDb(config);
    const store = options.store ?? new SqliteTaskStore(db);
    const tokens = new TokenStore(db);
    const metrics = new Metrics();
    const c = {
      requests: metrics.counter('feedmill_http_requests_total', 'HTTP requests by route pattern and status'),
      feedRequests: metrics.counter('feedmill_feed_requests_total', 'feed pulls by status (200, 206, 304, 416)'),
      feedBytes: metrics.counter('feedmill_feed_bytes_sent_total', 'feed body bytes sent'),
      uploads: metrics.counter('feedmill_uploads_total', 'catalog uploads by outcome (202 or an error code)'),
      uploadBytes: metrics.counter('feedmill_upload_bytes_total', 'catalog upload bytes stored'),
    };
    const counters = {
      requests: (l: { route: string; status: string }) => c.requests(l),
      feedRequests: (l: { status: string }) => c.feedRequests(l),
      feedBytes: (n: number) => c.feedBytes({}, n),
      uploads: (l: { status: string }) => c.uploads(l),
      uploadBytes: (n: number) => c.uploadBytes({}, n),
    };
    this.context = {
      config,
      db,
      store,
      catalogs: new CatalogRegistry(db),
      versions: new CatalogVersions(db, config),
      tokens,
      auth: createAuthenticator(tokens, config.adminToken),
      feeds: new FeedFiles(dataPaths(config).feeds),
      fetchLog: new FetchLog(db, { onError: (err) => log.error('writing the fetch log failed', { message: (err as Error).message }) }),
      events: new EventHub({ store, log, pollMs: options.eventPollMs }),
      metrics,
      counters,
      log,
      uploadTask: options.uploadTask ?? pipelineTaskForUpload,
      uploads: { inFlight: 0, max: options.maxConcurrentUploads ?? 4 },
      publicUrl: options.publicUrl,
    };
    this.#collectors();
    this.#routes();
    this.server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 0 }, (req, res) => void this.#handle(req, res));
    this.server.on('checkContinue', (req, res) => void this.#handle(req, res));
    this.server.headersTimeout = options.headersTimeoutMs ?? 20_000;
    this.server.timeout = options.idleTimeoutMs ?? 60_000;
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
    this.server.maxHeadersCount = 100;
    this.server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
      log.debug('client error', { code: (err as NodeJS.ErrnoException).code ?? null });
    });
  }

  /** Listens; resolves with the server once the port is bound. */
  async listen(): Promise<this> {
    const host = this.#options.host ?? '127.0.0.1';
    const port = this.#options.port ?? this.#options.config.port;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.context.log.info('listening', { url: this.url });
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Graceful stop; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const { log } = this.context;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.context.events.close();
    this.server.closeIdleConnections();
    if (this.#inFlight > 0) {
      const grace = this.#options.shutdownGraceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.#drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, grace))),
      ]);
      clearTimeout(timer);
      if (this.#inFlight > 0) log.warn('cutting requests still running after the grace period', { requests: this.#inFlight });
    }
    for (const s of this.#sockets) s.destroy();
    await stopped;
    try {
      await this.#options.onClose?.();
    } finally {
      this.context.fetchLog.close();
      if (this.#ownsDb) {
        await this.context.store.close();
        this.context.db.close();
      }
      log.info('stopped');
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    this.#inFlight++;
    let route = 'unmatched';
    res.once('close', () => {
      this.#inFlight--;
      this.context.counters.requests({ route, status: String(res.statusCode) });
      this.context.log.debug('request', { method: req.method, route, status: res.statusCode, ms: Date.now() - started });
      if (this.#inFlight === 0) this.#drained?.();
    });
    try {
      if (this.#closing) {
        res.setHeader('Connection', 'close');
        throw new FeedmillError('FEEDMILL_HTTP_UNAVAILABLE', 'the server is shutting down; retry in a moment', {});
      }
      const raw = req.url ?? '';
      if (!raw.startsWith('/')) throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', 'the request target must be a path', {});
      const q = raw.search(/[?#]/);
      const pathname = q < 0 ? raw : raw.slice(0, q);
      const query = new URLSearchParams(q < 0 || raw[q] === '#' ? '' : raw.slice(q + 1).split('#')[0]);
      const match = this.#router.match(req.method ?? 'GET', pathname);
      route = match.name;
      if (route !== UPLOAD_ROUTE && req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
      await match.handler({ req, res, params: match.params, query });
    } catch (err) {
      const e = toFeedmillError(err);
      if (res.headersSent) {
        // The client went away mid-body (or a disk read failed): nothing more can be said to it.
        res.destroy();
        return;
      }
      if (e.code === 'FEEDMILL_INTERNAL') this.context.log.error('request failed', { route, code: e.code, message: e.message });
      // A body we stopped reading (413, 415, busy) must not be drained: close the connection.
      if (!req.complete) res.setHeader('Connection', 'close');
      sendError(req, res, e, e.code === 'FEEDMILL_HTTP_BUSY' ? { 'Retry-After': '5' } : {});
    }
  }

  #routes(): void {
    const ctx = this.context;
    const r = this.#router;
    r.add(['GET', 'HEAD'], '/healthz', {}, ({ res }) => {
      ctx.db.prepare('SELECT 1').get();
      sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.#started) / 1000) });
    });
    r.add(['GET', 'HEAD'], '/metrics', {}, async ({ res }) => {
      const text = await ctx.metrics.render();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(text);
    });
    r.add(['GET', 'HEAD'], '/feeds/:catalog/:token/:file', { catalog: isCatalogName, token: isTokenShape, file: isFeedFileName }, feedRoute(ctx, true));
    r.add(['GET', 'HEAD'], '/feeds/:catalog/:file', { catalog: isCatalogName, file: isFeedFileName }, feedRoute(ctx, false));
    r.add('PUT', UPLOAD_ROUTE, { catalog: isCatalogName }, uploadRoute(ctx));
    r.add('GET', '/api/v1/events', {}, async ({ req, res, query }) => {
      const principal = requireAuth(ctx.auth.authenticate(headerSecret(req)));
      let catalog = query.get('catalog') ?? undefined;
      if (catalog !== undefined && !isCatalogName(catalog)) {
        throw new FeedmillError('FEEDMILL_NAME_INVALID', 'catalog is not a valid catalog name', { field: 'catalog' });
      }
      if (principal.kind === 'token') catalog ??= principal.token.catalog;
      if (catalog !== undefined) requireCatalog(principal, catalog, 'upload');
      await ctx.events.open(req, res, { lane: catalog === undefined ? undefined : catalogLane(catalog) });
    });
    registerTaskRoutes(ctx, r);
    registerCatalogRoutes(ctx, r, { config: ctx.config, db: ctx.db, feedsDir: this.#options.channelsDir });
  }

  #collectors(): void {
    const ctx = this.context;
    const tasks = ctx.metrics.gauge('feedmill_tasks', 'tasks by state');
    const sse = ctx.metrics.gauge('feedmill_event_streams', 'open server-sent event streams');
    const uploads = ctx.metrics.gauge('feedmill_uploads_in_flight', 'uploads being received');
    const offers = ctx.metrics.gauge('feedmill_catalog_offers', 'offers in the current version of each catalog');
    const records = ctx.metrics.gauge('feedmill_ingested_records', 'records seen by all kept ingest runs, by result');
    const items = ctx.metrics.gauge('feedmill_feed_items', 'items in the published feed of each catalog and channel');
    const uptime = ctx.metrics.gauge('feedmill_uptime_seconds', 'seconds since the server started');
    ctx.metrics.collect(async () => {
      for (const [state, n] of Object.entries(await taskCounts(ctx.store))) tasks(n, { state });
      sse(ctx.events.clients);
      uploads(ctx.uploads.inFlight);
      uptime(Math.round((Date.now() - this.#started) / 1000));
      let accepted = 0;
      let rejected = 0;
      for (const catalog of ctx.catalogs.list()) {
        const versions = ctx.versions.list(catalog.name);
        for (const v of versions) {
          accepted += v.accepted ?? 0;
          rejected += v.rejected ?? 0;
        }
        const current = versions.find((v) => v.version === catalog.currentVersion);
        offers(current?.offers ?? 0, { catalog: catalog.name });
        for (const m of await ctx.feeds.manifests(catalog.name)) items(m.items, { catalog: catalog.name, channel: m.channel });
      }
      records(accepted, { result: 'accepted' });
      records(rejected, { result: 'rejected' });
    });
  }
}

/** Builds and starts a server. */
export async function startServer(options: ServerOptions): Promise<FeedmillServer> {
  return new FeedmillServer(options).listen();
}
