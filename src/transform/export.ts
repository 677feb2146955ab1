/**
 * exportCatalog: from a catalog's current staged version to one published feed per channel.
 *
 *  1. main thread: resolve the version (CatalogVersions.current), load and validate the channels and
 *     rules (bad definitions fail here, before any worker starts), cut the offers into rowid ranges;
 *  2. pool: each range → one part file per channel (gzip members when gzipped), counters back;
 *     meanwhile one FeedAssembler per channel appends finished parts in feed order to a hidden temp
 *     file in the feeds directory and deletes them (the copy overlaps the transform, and the RAM
 *     disk never holds the whole feed twice);
 *  3. main thread: merge counters and quality snapshots in range order, write the quality reports,
 *     then commit each channel (gate, fencing, atomic rename, manifest, kept versions), and copy
 *     to `outDir` when asked.
 * The parts directory is removed whatever happens. A worker crash or a cancel fails the export before
 * anything is published. With several channels, each is published on its own: one refused by the
 * gate keeps its old feed while the others go out, and the export then fails with that code.
 *
 * Quality reports: dataPaths(config).reports/<catalog>/<channel>.quality.json and .quality.txt,
 * rewritten by every export that got as far as publishing (also when the gate refused the feed:
 * that is when the report is needed).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPaths, type Config } from '../config.js';
import { openAppDb, type AppDb } from '../db/index.js';
import { commitFeed, copyPublished, FeedAssembler, fsyncDir, gzipFileName, writeTempFile, DEFAULT_GZIP_LEVEL, type PublishResult } from '../emit/index.js';
import { FeedmillError, isFeedmillError, toFeedmillError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { assertName } from '../names.js';
import { CatalogRegistry } from '../catalogs/index.js';
import { CatalogVersions, openForRead } from '../staging/index.js';
import { compileChannel, DEFAULT_FEEDS_DIR, loadChannel, type ChannelDefinition, type CompiledChannel } from './channels/index.js';
import { formatQualityReport, mainExclusion, QualityCounter, type QualitySnapshot } from './quality-report.js';
import { canonicalJson, loadRuleFile, mergeRuleCounters, rulesHash, type RuleCounters, type RuleSetSpec } from './rules/index.js';
import { abortError, partitionOffers, TransformPool, type TransformResult, type TransformTask } from './pool/index.js';
import { DEFAULT_CURRENCY } from '../money.js';

export interface ExportOptions {
  config: Config;
  catalog: string;
  /** Channel names; every one is produced in the same pass over the offers. */
  channels: readonly string[];
  /** Rule file; undefined: the catalog's registered rules (if any); null: no rules. */
  rulesPath?: string | null | undefined;
  /** Also publish a copy of each feed (and manifest) into this directory. */
  outDir?: string | undefined;
  /** Gzip each feed (published as <fileName>.gz). @default false */
  gzip?: boolean | undefined;
  /** @default 3 (DEFAULT_GZIP_LEVEL) */
  gzipLevel?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Offers transformed so far, and the total. */
  progress?: ((done: number, total: number) => void) | undefined;
  /** Fencing check run right before each feed's rename; throw to refuse the publish. */
  fence?: (() => void | Promise<void>) | undefined;
  /** Publish even when the gate would refuse (large drop, empty feed). */
  force?: boolean | undefined;
  /** Reuse a long-lived pool (server, task bots); else one is made for this export and destroyed. */
  pool?: TransformPool | undefined;
  /** Channel definitions folder. @default the repository's feeds/ */
  feedsDir?: string | undefined;
  /** App DB; else opened from config and closed after. */
  db?: AppDb | undefined;
  /** Written to manifests, reports and header placeholders; fixed by tests for byte-identical runs. @default now */
  generatedAt?: string | undefined;
  /** Offers per rowid range (tests use small values). */
  rangeRows?: number | undefined;
  log?: Logger | undefined;
}

export interface ExportedFeed {
  channel: string;
  /** The published feed (its first file when split). */
  path: string;
  /** All published files, in order (one unless the channel split the feed). */
  paths: string[];
  items: number;
  /** Refused by the channel's validation (reasons in the quality report). */
  excluded: number;
  /** Dropped by rules. */
  filtered: number;
  bytes: number;
  sha256: string;
  manifestPath: string;
  reportPath: string;
  /** The copies in outDir, when asked. */
  outPaths?: string[];
}

export interface ExportResult {
  catalog: string;
  version: number;
  feeds: ExportedFeed[];
  seconds: number;
  quality: Record<string, QualitySnapshot>;
}

interface ChannelPlan {
  name: string;
  definition: ChannelDefinition;
  compiled: CompiledChannel;
  /** The currency of the feed's bare amounts (CompileOptions.currency). */
  currency: string;
  key: string;
  rulesHash: string | null;
}

export async function exportCatalog(opts: ExportOptions): Promise<ExportResult> {
  const started = process.hrtime.bigint();
  const { config } = opts;
  const log = (opts.log ?? silentLogger).child({ catalog: opts.catalog, stage: 'export' });
  assertName(opts.catalog, 'catalog');
  if (opts.channels.length === 0) {
    throw new FeedmillError('FEEDMILL_CLI_USAGE', 'no channel to export: name at least one (--channels google-shopping,meta)', { catalog: opts.catalog });
  }
  const seen = new Set<string>();
  for (const c of opts.channels) {
    assertName(c, 'channel');
    if (seen.has(c)) throw new FeedmillError('FEEDMILL_CLI_USAGE', `channel ${c} is listed twice`, { channel: c });
    seen.add(c);
  }
  if (opts.signal?.aborted) throw abortError(opts.signal);

  const db = opts.db ?? openAppDb(config);
  let pool: TransformPool | undefined;
  const assemblers: FeedAssembler[] = [];
  const exportId = `${opts.catalog}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const partsDir = join(dataPaths(config).parts, exportId);
  try {
    const version = new CatalogVersions(db, config).current(opts.catalog);
    const catalogSettings = new CatalogRegistry(db).get(opts.catalog);
    const rulesPath = opts.rulesPath === undefined ? catalogSettings.rulesPath : opts.rulesPath;
    const rules: RuleSetSpec | undefined = rulesPath === null ? undefined : loadRuleFile(rulesPath);
    const rulesKey = rules === undefined ? undefined : sha256(canonicalJson(rules));
    const feedsDir = opts.feedsDir ?? DEFAULT_FEEDS_DIR;
    // For channels that write no currency: the catalog's, as set now (`catalog set --currency`), else
    // the one this version's bare prices were read in (`ingest --currency`).
    const catalogCurrency = catalogSettings.currency ?? version.loadSettings?.currency ?? DEFAULT_CURRENCY;
    const plans: ChannelPlan[] = opts.channels.map((name) => {
      const definition = loadChannel(name, feedsDir);
      return {
        name,
        definition,
        currency: convertTarget(rules, name) ?? catalogCurrency,
        compiled: compileChannel(definition),
        key: channelHash(definition),
        rulesHash: rules === undefined ? null : rulesHash(rules, name),
      };
    });

    const ranges = withStaging(version.stagingPath, (sdb) => partitionOffers(sdb, opts.rangeRows));
    const gzipLevel = opts.gzip ? (opts.gzipLevel ?? DEFAULT_GZIP_LEVEL) : null;
    const generatedAt = opts.generatedAt ?? new Date().toISOString();
    const tasks: TransformTask[] = ranges.map((range) => ({
      stagingPath: version.stagingPath,
      range,
      channels: plans.map((p) => ({ key: p.key, value: p.definition, currency: p.currency })),
      rules: rules === undefined || rulesKey === undefined ? undefined : { key: rulesKey, value: rules },
      partsDir,
      gzipLevel,
      generatedAt,
    }));
    mkdirSync(partsDir, { recursive: true });
    pool = opts.pool ?? new TransformPool({ workers: config.transformWorkers });
    const total = version.offers ?? ranges.reduce((n, r) => n + r.hi - r.lo + 1, 0);
    const ctx = { catalog: opts.catalog, generatedAt, link: shopLink(catalogSettings.profileOptions, version.stagingPath) };
    const catalogFeedsDir = join(dataPaths(config).feeds, opts.catalog);

    // One assembler per channel: parts are appended in feed order (and deleted) as soon as they
    // are contiguous, while the workers go on. An assembly failure other than a channel's size
    // limit (disk full...) stops the workers at once.
    const internal = new AbortController();
    const runSignal = opts.signal ? AbortSignal.any([opts.signal, internal.signal]) : internal.signal;
    let assemblyError: unknown;
    for (const plan of plans) {
      const assembler = await FeedAssembler.open({
        dir: catalogFeedsDir,
        catalog: opts.catalog,
        channel: plan.name,
        fileName: opts.gzip ? gzipFileName(plan.compiled.fileName) : plan.compiled.fileName,
        gzip: opts.gzip === true,
        gzipLevel: gzipLevel ?? undefined,
        header: plan.compiled.header(ctx),
        footer: plan.compiled.footer(ctx),
        limits: {
          maxBytes: plan.definition.limits.maxBytes,
          maxItems: plan.definition.limits.maxItems,
          split: plan.definition.limits.onOverLimit === 'split',
        },
        consumeParts: true,
        signal: opts.signal,
      });
      assembler.onError = (err) => {
        if (isFeedmillError(err, 'FEEDMILL_PUBLISH_TOO_LARGE')) return;
        assemblyError ??= err;
        internal.abort();
      };
      assemblers.push(assembler);
    }

    let done = 0;
    log.info('export started', { version: version.version, channels: opts.channels, ranges: ranges.length, workers: pool.workers });
    let results: TransformResult[];
    try {
      results = await pool.runAll(tasks, {
        signal: runSignal,
        onResult: (r) => {
          done += r.rows;
          for (const [i, c] of r.channels.entries()) {
            assemblers[i]?.add(r.index, { path: c.path, items: c.items, bytes: c.bytes, rawBytes: c.rawBytes });
          }
          opts.progress?.(done, total);
        },
      });
    } catch (err) {
      if (assemblyError !== undefined) throw assemblyError;
      throw err;
    }
    if (opts.signal?.aborted) throw abortError(opts.signal);

    const reportsDir = join(dataPaths(config).reports, opts.catalog);
    const nextChange = results.reduce((min, r) => Math.min(min, r.refreshAt ?? Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    const refreshAt = Number.isFinite(nextChange) ? new Date(nextChange).toISOString() : undefined;
    const feeds: ExportedFeed[] = [];
    const quality: Record<string, QualitySnapshot> = {};
    const failures: FeedmillError[] = [];
    for (const [i, plan] of plans.entries()) {
      const assembler = assemblers[i] as FeedAssembler;
      const merged = mergeChannel(plan.name, results);
      quality[plan.name] = merged.quality;
      const reportPath = await writeReport(reportsDir, plan.name, {
        catalog: opts.catalog,
        catalogVersion: version.version,
        channel: plan.name,
        rulesHash: plan.rulesHash,
        generatedAt,
        filtered: merged.filtered,
        rules: merged.rules,
        ...merged.quality,
      });
      let published: PublishResult;
      try {
        const written = await assembler.finish(ranges.length);
        published = await commitFeed(written, {
          excluded: merged.excluded,
          catalogVersion: version.version,
          rulesHash: plan.rulesHash,
          generatedAt,
          channelHash: plan.key,
          refreshAt,
          gate: { maxDrop: config.publishGateDrop, force: opts.force },
          keepVersions: config.keepFeedVersions,
          beforeRename: opts.fence,
        });
      } catch (err) {
        const gated = toFeedmillError(err);
        if (!isGate(gated)) throw gated;
        const e = explainRefusal(gated, merged.quality, reportPath);
        await assembler.abort();
        log.warn('feed not published', { channel: plan.name, code: e.code, ...e.details });
        failures.push(e);
        continue;
      }
      const feed: ExportedFeed = {
        channel: plan.name,
        path: published.paths[0] as string,
        paths: published.paths,
        items: published.manifest.items,
        excluded: merged.excluded,
        filtered: merged.filtered,
        bytes: published.manifest.bytes,
        sha256: published.manifest.sha256,
        manifestPath: published.manifestPath,
        reportPath,
      };
      if (opts.outDir !== undefined) feed.outPaths = (await copyPublished(published, opts.outDir)).paths;
      feeds.push(feed);
      log.info('feed published', { channel: plan.name, items: feed.items, excluded: feed.excluded, bytes: feed.bytes });
    }
    const first = failures[0];
    if (first !== undefined) {
      throw new FeedmillError(first.code, first.message, {
        ...first.details,
        refused: failures.map((f) => f.details.channel),
        published: feeds.map((f) => f.channel),
      }, { cause: first });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { catalog: opts.catalog, version: version.version, feeds, seconds, quality };
  } catch (err) {
    if (opts.signal?.aborted && !isFeedmillError(err, 'FEEDMILL_TRANSFORM_ABORTED')) throw abortError(opts.signal);
    throw err;
  } finally {
    // An owned pool is destroyed first: its threads are gone, so none can still write a part
    // after the parts directory is removed.
    if (opts.pool === undefined) await pool?.close();
    // Temp files of feeds not published (failure, cancel, gate); a published feed's are renamed.
    for (const a of assemblers) await a.abort();
    rmSync(partsDir, { recursive: true, force: true });
    if (opts.db === undefined) db.close();
  }
}

/** A refusal's message with the main exclusion reason and where the quality report is. */
function explainRefusal(e: FeedmillError, quality: QualitySnapshot, reportPath: string): FeedmillError {
  const why = e.code === 'FEEDMILL_PUBLISH_TOO_LARGE' ? undefined : mainExclusion(quality);
  if (why === undefined) return e;
  return new FeedmillError(e.code, `${e.message}: ${why}; report: ${reportPath}`, { ...e.details, report: reportPath }, { cause: e });
}

/** Gate refusals end the export with their code but do not stop the other channels. */
function isGate(e: FeedmillError): boolean {
  return e.code === 'FEEDMILL_PUBLISH_GATE' || e.code === 'FEEDMILL_PUBLISH_EMPTY' || e.code === 'FEEDMILL_PUBLISH_TOO_LARGE';
}

/**
 * The shop's address for a feed header's `{link}` (RSS 2.0 requires a channel link): the catalog's
 * base-url option, else the origin of the first offers' links. Empty when neither is known.
 */
function shopLink(options: Readonly<Record<string, string>>, stagingPath: string): string {
  const base = options['base-url'];
  if (base !== undefined && base.trim() !== '') return base.trim();
  const first = withStaging(stagingPath, (sdb) =>
    sdb
      .prepare(
        `SELECT link FROM (SELECT coalesce(o.link, p.link) AS link FROM offers o LEFT JOIN products p ON p.pid = o.pid ORDER BY o.oid LIMIT 1000)
         WHERE link IS NOT NULL LIMIT 1`,
      )
      .get() as { link: string } | undefined,
  );
  if (first === undefined) return '';
  try {
    return `${new URL(first.link).origin}/`;
  } catch {
    return '';
  }
}

function withStaging<T>(path: string, fn: (db: ReturnType<typeof openForRead>) => T): T {
  const sdb = openForRead(path);
  try {
    return fn(sdb);
  } finally {
    sdb.close();
  }
}

function mergeChannel(
  channel: string,
  results: readonly TransformResult[],
): { excluded: number; filtered: number; quality: QualitySnapshot; rules: RuleCounters | null } {
  const counter = new QualityCounter();
  let excluded = 0;
  let filtered = 0;
  let rules: RuleCounters | null = null;
  // Range order = feed order; merging snapshots in that order makes report examples stable.
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    const c = r.channels.find((x) => x.channel === channel);
    if (c === undefined) throw new FeedmillError('FEEDMILL_INTERNAL', `range ${r.index} returned no part for channel ${channel}`, { channel, range: r.index });
    excluded += c.excluded;
    filtered += c.filtered;
    counter.merge(c.quality);
    if (c.rules !== undefined) rules = rules === null ? c.rules : mergeRuleCounters(rules, c.rules);
  }
  return { excluded, filtered, quality: counter.toJSON(), rules };
}

async function writeReport(dir: string, channel: string, report: QualitySnapshot & Record<string, unknown>): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, `${channel}.quality.json`);
  const textPath = join(dir, `${channel}.quality.txt`);
  const rules = report.rules as RuleCounters | null | undefined;
  const perRule = (rules?.rules ?? [])
    .filter((r) => r.applied > 0 || r.missed > 0)
    .map((r) => `  ${r.label}: applied ${r.applied}, changed ${r.changed}, dropped ${r.dropped}, missed ${r.missed}\n`)
    .join('');
  const head = `${channel} quality report, ${String(report.catalog)} version ${String(report.catalogVersion)}\nfiltered by rules: ${String(report.filtered)}\n${perRule}`;
  for (const [path, body] of [
    [jsonPath, `${JSON.stringify(report, null, 2)}\n`],
    [textPath, head + formatQualityReport(report)],
  ] as const) {
    const temp = await writeTempFile(dir, path.slice(dir.length + 1), body);
    await rename(temp, path);
  }
  await fsyncDir(dir);
  return jsonPath;
}

/**
 * The currency a channel's items end in when its rules convert prices: the target of the last
 * convert rule that applies to it (the shared rules first, then the channel's own). Items the
 * rules leave in another currency (no rate for theirs, or outside the rule's `when`) are then
 * excluded by a channel that writes bare amounts, rather than sent as if they were converted.
 */
export function convertTarget(rules: RuleSetSpec | undefined, channel: string): string | undefined {
  let to: string | undefined;
  for (const r of [...(rules?.all ?? []), ...(rules?.channels[channel] ?? [])]) if ('convert' in r) to = r.convert.to;
  return to;
}

/** What a feed's manifest records of its channel definition, to tell when a re-export is due. */
export function channelHash(definition: ChannelDefinition): string {
  // What renders the feed, not where its file lies (an install moved to another folder).
  const { file: _file, ...rendered } = definition;
  return sha256(JSON.stringify(rendered));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
