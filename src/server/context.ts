/** What every route module gets: the server's shared parts, built once in server.ts. */
import type { CatalogRegistry } from '../catalogs/index.js';
import type { Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import type { Logger } from '../log.js';
import type { CatalogVersions } from '../staging/index.js';
import type { EnqueueInput, TaskStore } from '../tasks/index.js';
import type { Authenticator } from './auth.js';
import type { EventHub } from './events.js';
import type { FeedFiles } from './feed-file.js';
import type { FetchLog } from './fetch-log.js';
import type { Metrics } from './metrics.js';
import type { TokenStore } from './tokens.js';
import type { StoredUpload } from './uploads.js';

export interface ServerCounters {
  requests(labels: { route: string; status: string }): void;
  feedRequests(labels: { status: string }): void;
  feedBytes(n: number): void;
  uploads(labels: { status: string }): void;
  uploadBytes(n: number): void;
}

/** Builds the task queued after an upload; the default is a `pipeline` in the catalog's lane. */
/** `charset`: what the upload's `Content-Type` declared, an encoding hint for the ingest. */
export type UploadTaskBuilder = (catalog: string, upload: StoredUpload, sourceName: string | undefined, charset?: string) => EnqueueInput;

export interface ServerContext {
  config: Config;
  db: AppDb;
  store: TaskStore;
  catalogs: CatalogRegistry;
  versions: CatalogVersions;
  tokens: TokenStore;
  auth: Authenticator;
  feeds: FeedFiles;
  fetchLog: FetchLog;
  events: EventHub;
  metrics: Metrics;
  counters: ServerCounters;
  log: Logger;
  uploadTask: UploadTaskBuilder;
  uploads: { inFlight: number; max: number };
  /** Where `/feeds/...` URLs are rooted in API answers (from the request's Host when unset). */
  publicUrl: string | undefined;
}
