/**
 * What crosses the thread boundary: a task names the staging file, one rowid range, the channels
 * and the rules; a result holds only counters, part file stats and quality snapshots. Both are plain
 * JSON (structured-clone safe): offers never cross threads.
 */

import type { ChannelDefinition } from '../channels/index.js';
import type { QualitySnapshot } from '../quality-report.js';
import type { RuleCounters, RuleSetSpec } from '../rules/index.js';
import type { IndexedRange } from './partition.js';

/** A value the worker compiles once and caches under `key` (a hash of the value). */
export interface Keyed<T> {
  key: string;
  value: T;
}

export interface TransformTask {
  stagingPath: string;
  range: IndexedRange;
  /**
   * Channel definitions, in output order (loaded and validated once by the main thread), each with
   * the currency its bare amounts are in (CompileOptions.currency).
   */
  channels: (Keyed<ChannelDefinition> & { currency?: string | undefined })[];
  /** The rule set (category tables resolved); undefined: no rules. */
  rules?: Keyed<RuleSetSpec> | undefined;
  /** The parts directory of this export; part files go to <partsDir>/<channel>/. */
  partsDir: string;
  /** null: plain parts; else the gzip level of each part's member. */
  gzipLevel: number | null;
  /** When the feed is generated (ISO 8601): dated sale prices are applied at this time. */
  generatedAt: string;
}

export interface ChannelPartResult {
  channel: string;
  path: string;
  /** Items written. */
  items: number;
  /** Items the rules filtered out (not an error). */
  filtered: number;
  /** Items the channel refused as invalid, duplicate ids included (the quality report says why). */
  excluded: number;
  bytes: number;
  rawBytes: number;
  quality: QualitySnapshot;
  /** Per-rule counts of this range (items each rule ran on, changed, dropped, missed). */
  rules?: RuleCounters | undefined;
}

export interface TransformResult {
  index: number;
  rows: number;
  channels: ChannelPartResult[];
  /** When a dated sale price of the range starts or ends next (ms since the epoch); absent: never. */
  refreshAt?: number;
}
