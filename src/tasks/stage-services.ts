/**
 * The real stages behind the task kinds: `ingest` runs the ingest pipeline on a stored source,
 * `export` produces and publishes the catalog's channel feeds. Each honours the task's AbortSignal,
 * reports progress, and checks the task's fencing token right before a feed is renamed into place,
 * so a bot that lost its lease can never publish.
 */
import type { Config } from '../config.js';
import { CatalogRegistry } from '../catalogs/index.js';
import type { AppDb } from '../db/index.js';
import { ingestFile, ingestReport, restageIfMissing } from '../ingest/index.js';
import { exportCatalog } from '../transform/index.js';
import { feedStaleness } from '../transform/feed-staleness.js';
import type { Logger } from '../log.js';
import type { StageServices } from './stage-handlers.js';

export function createStageServices(config: Config, db: AppDb, log: Logger): StageServices {
  return {
    async ingest(params, ctx) {
      const r = await ingestFile({
        config,
        db,
        catalog: params.catalog,
        source: params.path,
        sourceName: params.sourceName,
        encodingHint: params.encodingHint,
        signal: ctx.signal,
        log,
        progress: (p) => ctx.progress(p.bytesRead, p.totalBytes),
      });
      return ingestReport(r);
    },
    staleness: (catalog, channels, now) => feedStaleness({ config, db }, catalog, channels, now),
    async export(params, ctx) {
      await restageIfMissing({ config, db, catalog: params.catalog, signal: ctx.signal, log });
      const r = await exportCatalog({
        config,
        db,
        catalog: params.catalog,
        // Without a list, the channels registered for the catalog.
        channels: params.channels ?? new CatalogRegistry(db).get(params.catalog).channels,
        signal: ctx.signal,
        log,
        progress: (done, total) => ctx.progress(done, total),
        fence: () => ctx.assertFence(),
      });
      return {
        catalog: r.catalog,
        version: r.version,
        seconds: r.seconds,
        feeds: r.feeds.map((f) => ({ channel: f.channel, path: f.path, items: f.items, excluded: f.excluded, bytes: f.bytes, sha256: f.sha256 })),
      };
    },
  };
}
