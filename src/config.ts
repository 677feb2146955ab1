/**
 * The configuration: read and validated once into a frozen, typed object.
 *
 * This is the only module that reads `process.env`. Every `FEEDMILL_*` variable must be known: a
 * misspelled one is an error that names the closest real key, because a silently ignored
 * `FEEDMILL_STAGNG_DIR` would put a 40 GB staging DB on the wrong disk.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { FeedmillError } from './errors.js';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface Config {
  /** Durable disk: app DB, uploaded sources, published feeds. @default ./.feedmill */
  readonly dataDir: string;
  /** RAM disk: staging DBs and feed parts. @default /dev/shm/feedmill, else OS temp dir */
  readonly stagingDir: string;
  /** Records rejected before an ingest fails as a whole. @default 1_000_000 */
  readonly rejectLimit: number;
  /** Transform worker threads. @default one per core */
  readonly transformWorkers: number;
  /** Threads a large UTF-8 CSV ingest is loaded by (1: one thread plus the writer). @default one per core */
  readonly ingestShards: number;
  /** Task bots in `worker`/`serve`. @default one per core */
  readonly concurrency: number;
  /** Inflated bytes a gzip or zip member may produce before it counts as a bomb. @default 64 GiB */
  readonly maxInflatedBytes: number;
  /** Largest upload accepted by the server. @default 16 GiB */
  readonly maxUploadBytes: number;
  /** HTTP port of `serve`. @default 8080 */
  readonly port: number;
  /** Admin token for the API, if set through the environment. */
  readonly adminToken: string | undefined;
  /** Share of items a new feed may lose before the publish gate refuses it. @default 0.5 */
  readonly publishGateDrop: number;
  /** Feed versions kept for rollback. @default 3 */
  readonly keepFeedVersions: number;
  /** Uploaded or fetched sources kept per catalog: those of its newest versions. @default 3 */
  readonly keepSources: number;
  readonly logLevel: LogLevel;
}

/** Environment key → config key. The registry also feeds the "did you mean" suggestion. */
const ENV_KEYS = {
  FEEDMILL_DATA_DIR: 'dataDir',
  FEEDMILL_STAGING_DIR: 'stagingDir',
  FEEDMILL_REJECT_LIMIT: 'rejectLimit',
  FEEDMILL_TRANSFORM_WORKERS: 'transformWorkers',
  FEEDMILL_INGEST_SHARDS: 'ingestShards',
  FEEDMILL_CONCURRENCY: 'concurrency',
  FEEDMILL_MAX_INFLATED_BYTES: 'maxInflatedBytes',
  FEEDMILL_MAX_UPLOAD_BYTES: 'maxUploadBytes',
  FEEDMILL_PORT: 'port',
  FEEDMILL_ADMIN_TOKEN: 'adminToken',
  FEEDMILL_PUBLISH_GATE_DROP: 'publishGateDrop',
  FEEDMILL_KEEP_FEED_VERSIONS: 'keepFeedVersions',
  FEEDMILL_KEEP_SOURCES: 'keepSources',
  FEEDMILL_LOG_LEVEL: 'logLevel',
} as const satisfies Record<string, keyof Config>;

/** The environment variables feedmill reads (docs/configuration.md documents each; a test checks). */
export const CONFIG_ENV_NAMES: readonly string[] = Object.keys(ENV_KEYS);

/** Environment variables that are ours but not configuration (read by tooling, not by feedmill). */
const ENV_IGNORED = new Set(['FEEDMILL_FROM_SOURCE']);

const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export type ConfigOverrides = { [K in keyof Config]?: Config[K] | string | undefined };

export function defaultStagingDir(): string {
  return existsSync('/dev/shm') ? '/dev/shm/feedmill' : join(tmpdir(), 'feedmill');
}

/**
 * Builds the config from defaults, then the environment, then explicit overrides (CLI flags),
 * later ones winning. Throws FEEDMILL_CONFIG_UNKNOWN_KEY / FEEDMILL_CONFIG_INVALID.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FEEDMILL_') || ENV_IGNORED.has(name) || value === undefined || value === '') continue;
    const key = (ENV_KEYS as Record<string, keyof Config>)[name];
    if (key === undefined) {
      throw new FeedmillError(
        'FEEDMILL_CONFIG_UNKNOWN_KEY',
        `unknown environment variable ${name}; did you mean ${closest(name, Object.keys(ENV_KEYS))}?`,
        { key: name, suggestion: closest(name, Object.keys(ENV_KEYS)) },
      );
    }
    raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.values(ENV_KEYS).includes(key as keyof Config)) {
      const keys = Object.values(ENV_KEYS) as string[];
      throw new FeedmillError('FEEDMILL_CONFIG_UNKNOWN_KEY', `unknown option ${key}; did you mean ${closest(key, keys)}?`, {
        key,
        suggestion: closest(key, keys),
      });
    }
    raw[key] = value;
  }
  const cores = availableParallelism();
  const config: Config = {
    dataDir: resolve(cwd, str(raw, 'dataDir') ?? '.feedmill'),
    stagingDir: resolve(cwd, str(raw, 'stagingDir') ?? defaultStagingDir()),
    rejectLimit: int(raw, 'rejectLimit', 1_000_000, 0),
    transformWorkers: int(raw, 'transformWorkers', cores, 1),
    ingestShards: int(raw, 'ingestShards', cores, 1),
    concurrency: int(raw, 'concurrency', cores, 1),
    maxInflatedBytes: int(raw, 'maxInflatedBytes', 64 * 1024 ** 3, 1),
    maxUploadBytes: int(raw, 'maxUploadBytes', 16 * 1024 ** 3, 1),
    port: int(raw, 'port', 8080, 0, 65535),
    adminToken: str(raw, 'adminToken'),
    publishGateDrop: num(raw, 'publishGateDrop', 0.5, 0, 1),
    keepFeedVersions: int(raw, 'keepFeedVersions', 3, 0),
    // At least the current version's: staging lost with the RAM disk is rebuilt from it.
    keepSources: int(raw, 'keepSources', 3, 1),
    logLevel: level(raw),
  };
  return Object.freeze(config);
}

function str(raw: Record<string, unknown>, key: string): string | undefined {
  const v = raw[key];
  return v === undefined ? undefined : String(v);
}

function num(raw: Record<string, unknown>, key: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = raw[key];
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new FeedmillError('FEEDMILL_CONFIG_INVALID', `${key} must be a number between ${min} and ${max}, got ${JSON.stringify(v)}`, {
      key,
      value: v,
    });
  }
  return n;
}

function int(raw: Record<string, unknown>, key: string, dflt: number, min: number, max?: number): number {
  const n = num(raw, key, dflt, min, max);
  if (!Number.isInteger(n)) {
    throw new FeedmillError('FEEDMILL_CONFIG_INVALID', `${key} must be a whole number, got ${n}`, { key, value: n });
  }
  return n;
}

function level(raw: Record<string, unknown>): LogLevel {
  const v = str(raw, 'logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) {
    throw new FeedmillError('FEEDMILL_CONFIG_INVALID', `logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${v}`, {
      key: 'logLevel',
      value: v,
    });
  }
  return v as LogLevel;
}

/** The candidate with the smallest edit distance, for "did you mean" messages. */
export function closest(word: string, candidates: readonly string[]): string {
  let best = candidates[0] ?? '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Where things live inside the data dir; every area derives its paths from here. */
export function dataPaths(config: Config) {
  return {
    appDb: join(config.dataDir, 'feedmill.db'),
    sources: join(config.dataDir, 'sources'),
    feeds: join(config.dataDir, 'feeds'),
    reports: join(config.dataDir, 'reports'),
    staging: config.stagingDir,
    parts: join(config.stagingDir, 'parts'),
  };
}
