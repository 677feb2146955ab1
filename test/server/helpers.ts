/** Server test helpers: a real server on 127.0.0.1 (port 0) over a private data dir, and raw HTTP calls. */
import { request as httpRequest, Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { testEnv, type TestEnv } from '../helpers/env.js';
import { startServer, type FeedmillServer, type ServerOptions } from '../../src/server/index.js';
import { SqliteTaskStore } from '../../src/tasks/index.js';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { dataPaths } from '../../src/config.js';
import { publishFeed, type PartFile, type PublishResult } from '../../src/emit/publish/index.js';

export const ADMIN = randomBytes(32).toString('base64url');

export interface TestServer {
  env: TestEnv;
  server: FeedmillServer;
  store: SqliteTaskStore;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(
  t: { after(fn: () => Promise<void> | void): void },
  options: Partial<ServerOptions> = {},
  configOverrides: Parameters<typeof testEnv>[0] = {},
): Promise<TestServer> {
  const env = testEnv({ adminToken: ADMIN, ...configOverrides });
  const store = new SqliteTaskStore(env.db);
  const server = await startServer({ config: env.config, db: env.db, store, host: '127.0.0.1', port: 0, eventPollMs: 20, ...options });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    env.cleanup();
  };
  t.after(close);
  return { env, server, store, url: server.url, close };
}

export function addCatalog(env: TestEnv, name: string, channels: string[] = []): void {
  new CatalogRegistry(env.db).add({ name, profile: 'auto', channels });
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  token?: string;
  agent?: Agent;
}

/** One HTTP call; the raw path is sent as given (no normalisation), so traversal attempts arrive intact. */
export function call(base: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function errorCode(reply: Reply): string | undefined {
  try {
    return reply.json<{ error?: { code?: string } }>().error?.code;
  } catch {
    return undefined;
  }
}

/** Publishes `text` as the feed of `channel` through src/emit/publish (the real publish path). */
export async function publishText(
  env: TestEnv,
  catalog: string,
  channel: string,
  text: string,
  opts: { gzip: boolean; fileName?: string; keepVersions?: number; sequenceTag?: string },
): Promise<PublishResult> {
  const partsDir = join(env.dir, 'parts', `${channel}-${randomBytes(4).toString('hex')}`);
  mkdirSync(partsDir, { recursive: true });
  // Two parts, so a gzipped feed is a real multi-member gzip (header, parts, footer).
  const half = Math.floor(text.length / 2);
  const pieces = [text.slice(0, half), text.slice(half)];
  const parts: PartFile[] = pieces.map((body, i) => {
    const raw = Buffer.from(body);
    const data = opts.gzip ? gzipSync(raw) : raw;
    const path = join(partsDir, `part-${i}`);
    writeFileSync(path, data);
    return { path, items: 1, bytes: data.length, rawBytes: raw.length };
  });
  const fileName = opts.fileName ?? `${channel}.xml${opts.gzip ? '.gz' : ''}`;
  return publishFeed({
    dir: join(dataPaths(env.config).feeds, catalog),
    catalog,
    channel,
    fileName,
    gzip: opts.gzip,
    header: '<feed>\n',
    footer: '</feed>\n',
    parts,
    excluded: 0,
    catalogVersion: 1,
    rulesHash: null,
    generatedAt: new Date().toISOString(),
    gate: false,
    keepVersions: opts.keepVersions ?? 2,
  });
}

export function feedText(text: string): string {
  return `<feed>\n${text}</feed>\n`;
}
