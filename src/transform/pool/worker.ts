/**
 * The transform worker (one piscina thread). Per task: one sequential scan of a rowid range, every
 * requested channel in the same pass (each gets its own copy of the item, rules, render), one part
 * file per channel. Only counters and quality snapshots go back.
 *
 * Cached per worker: the read-only staging handle (the latest file only, so a superseded version's
 * file is not held open) and the compiled channels and rules, by the key the main thread computed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { scanOffers, openForRead, STAGED_OFFER_BATCH_SQL, type StagingDb } from '../../staging/index.js';
import type Database from 'better-sqlite3';
import { compileChannel, type CompiledChannel, type RenderResult } from '../channels/index.js';
import { cloneItem, itemFromRaw, withoutMainImage } from '../item.js';
import { applySaleWindow, SALE_WINDOW_ATTR } from '../sale-window.js';
import { subtractRuleCounters, type RuleCounters } from '../rules/index.js';
import { QualityCounter } from '../quality-report.js';
import { compileRules, type CompiledRules } from '../rules/index.js';
import { partName } from './partition.js';
import { PartWriter } from './part-writer.js';
import type { ChannelPartResult, TransformResult, TransformTask } from './task.js';

/** SQLite page cache per worker, MiB (see stagingFor). */
const READ_CACHE_MIB = 8;

let staging: { path: string; db: StagingDb; select: Database.Statement } | undefined;
const channelCache = new Map<string, CompiledChannel>();
const rulesCache = new Map<string, CompiledRules>();
/** Compiled artefacts are small, but a long-lived pool sees many rule versions: keep the recent ones. */
const MAX_CACHED = 64;
/**
 * Rows between two turns of the worker's event loop. Parts are written synchronously, so a range
 * would otherwise run start to end without one, and the GC work V8 posts as tasks to this thread's
 * loop would wait for the range's end: peak RSS of a 2 M-departure hotel export was 319-340 MB
 * without turns, 285-288 MB with one every 1,024 or 4,096 rows. A turn costs microseconds; 1,024
 * rows are 7-30 ms of work.
 */
const ROWS_PER_TURN = 1024;

function stagingFor(path: string): { db: StagingDb; select: Database.Statement } {
  if (staging?.path !== path) {
    staging?.db.close();
    const db = openForRead(path);
    // Pages of a memory-mapped tmpfs file count in the process RSS, once per worker: with several
    // workers scanning a 1 GB staging DB that alone would pass the 400 MB budget. Plain reads go
    // through SQLite's bounded page cache instead.
    db.pragma('mmap_size = 0');
    // A range is read in rowid order, and a tour's products in the order of their departures: no
    // page is wanted again once passed, so a large cache only holds memory. 8 MiB instead of 32:
    // Google export of 1 M offers 332 -> 275-296 MB peak RSS, hotel prices of 2 M 291-296 ->
    // 266-282 MB, same speed (pairs in docs/performance.md).
    db.pragma(`cache_size = -${READ_CACHE_MIB * 1024}`);
    staging = { path, db, select: db.prepare(STAGED_OFFER_BATCH_SQL).raw(true) };
  }
  return staging;
}

function cached<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    value = build();
    cache.set(key, value);
  }
  return value;
}

interface Lane {
  name: string;
  channel: CompiledChannel;
  rules: CompiledRules | undefined;
  /** The compiled rules live across ranges (cached per worker): counters are diffed per range. */
  rulesBefore: RuleCounters | undefined;
  writer: PartWriter;
  quality: QualityCounter;
  items: number;
  filtered: number;
  excluded: number;
}

export default async function transformRange(task: TransformTask): Promise<TransformResult> {
  const { select } = stagingFor(task.stagingPath);
  const ruleSet = task.rules;
  const lanes: Lane[] = task.channels.map(({ key, value, currency }) => {
    const channel = cached(channelCache, `${key}\u0000${currency ?? ''}`, () => compileChannel(value, { currency }));
    const rules =
      ruleSet === undefined ? undefined : cached(rulesCache, `${ruleSet.key}\u0000${channel.name}`, () => compileRules(ruleSet.value, channel.name));
    const dir = join(task.partsDir, channel.name);
    mkdirSync(dir, { recursive: true });
    return {
      name: channel.name,
      channel,
      rules,
      rulesBefore: rules?.counters(),
      writer: new PartWriter(join(dir, partName(task.range.index, task.gzipLevel !== null)), task.gzipLevel),
      quality: new QualityCounter(),
      items: 0,
      filtered: 0,
      excluded: 0,
    };
  });
  let rows = 0;
  const now = Date.parse(task.generatedAt);
  const today = task.generatedAt.slice(0, 10);
  /** The first dated sale price that starts or ends after `now` (ms), for the manifest. */
  let refreshAt = Number.POSITIVE_INFINITY;
  try {
    for (const row of scanOffers(select, task.range)) {
      rows++;
      if (rows % ROWS_PER_TURN === 0) await nextTurn();
      const base = itemFromRaw(row);
      // Before the rules, so that they see the price the shop shows today.
      if (base.attrs[SALE_WINDOW_ATTR] !== undefined) {
        const change = applySaleWindow(base, now, today);
        if (change !== undefined && change < refreshAt) refreshAt = change;
      }
      withoutMainImage(base);
      for (const lane of lanes) {
        // Rules change the item in place, so a channel with rules gets its own copy: one channel's
        // rules must not leak into another's output. Rendering is pure: others share the row.
        const item = lane.rules === undefined ? base : cloneItem(base);
        if (lane.rules !== undefined && !lane.rules.apply(item)) {
          lane.filtered++;
          continue;
        }
        // Ids need no check here: the ingest rejected every repeated offer id (RECORD_DUPLICATE_ID,
        // first occurrence kept) and rules cannot change `id`, so a feed's ids are unique already.
        const result: RenderResult = lane.channel.render(item);
        lane.quality.add(item.id, result);
        if (!result.ok) {
          lane.excluded++;
          continue;
        }
        lane.items++;
        lane.writer.write(result.text);
      }
    }
    const channels: ChannelPartResult[] = [];
    for (const lane of lanes) {
      const stats = lane.writer.close();
      channels.push({
        channel: lane.name,
        path: lane.writer.path,
        items: lane.items,
        filtered: lane.filtered,
        rules: lane.rules === undefined || lane.rulesBefore === undefined ? undefined : subtractRuleCounters(lane.rules.counters(), lane.rulesBefore),
        excluded: lane.excluded,
        bytes: stats.bytes,
        rawBytes: stats.rawBytes,
        quality: lane.quality.toJSON(),
      });
    }
    return { index: task.range.index, rows, channels, ...(Number.isFinite(refreshAt) ? { refreshAt } : {}) };
  } catch (err) {
    for (const lane of lanes) {
      lane.writer.destroy();
      rmSync(lane.writer.path, { force: true });
    }
    throw err;
  }
}

/** A no-op task: lets a caller wait until the threads have loaded this module (pool warm-up). */
export function warmUp(): true {
  return true;
}
