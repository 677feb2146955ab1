/**
 * The quality report of one channel export: items in, items out, and exclusions and warnings
 * counted per attribute and reason with a few example ids each.
 *
 * Each worker keeps its own `QualityCounter`; snapshots are plain JSON (they cross worker threads)
 * and merge in part order, so the examples of a report are the same on every run.
 */
import type { RenderResult } from './channels/index.js';
import { REASONS, type Reason } from './validate/index.js';

export const MAX_EXAMPLES = 5;

export interface QualityEntry {
  field: string;
  reason: Reason;
  count: number;
  /** At most MAX_EXAMPLES item ids, first seen first. */
  examples: string[];
}

export interface QualitySnapshot {
  itemsIn: number;
  itemsOut: number;
  /** Sorted by count (descending), then field, then reason. */
  exclusions: QualityEntry[];
  warnings: QualityEntry[];
}

export class QualityCounter {
  #itemsIn = 0;
  #itemsOut = 0;
  readonly #exclusions: EntryMap = new Map();
  readonly #warnings: EntryMap = new Map();

  /** Per rendered item: no key string nor array is built (items often carry a warning or two). */
  add(id: string, result: RenderResult): void {
    this.#itemsIn++;
    if (!result.ok) {
      bumpOne(entryOf(this.#exclusions, result.field, result.reason), id);
      return;
    }
    this.#itemsOut++;
    for (const w of result.warnings) bumpOne(entryOf(this.#warnings, w.field, w.reason), id);
  }

  get itemsIn(): number {
    return this.#itemsIn;
  }

  get itemsOut(): number {
    return this.#itemsOut;
  }

  toJSON(): QualitySnapshot {
    return { itemsIn: this.#itemsIn, itemsOut: this.#itemsOut, exclusions: sorted(this.#exclusions), warnings: sorted(this.#warnings) };
  }

  merge(other: QualitySnapshot): void {
    this.#itemsIn += other.itemsIn;
    this.#itemsOut += other.itemsOut;
    for (const e of other.exclusions) bump(this.#exclusions, e.field, e.reason, e.count, e.examples);
    for (const w of other.warnings) bump(this.#warnings, w.field, w.reason, w.count, w.examples);
  }
}

/** Entries by field, then reason. */
type EntryMap = Map<string, Map<Reason, QualityEntry>>;

function entryOf(map: EntryMap, field: string, reason: Reason): QualityEntry {
  let byReason = map.get(field);
  if (byReason === undefined) map.set(field, (byReason = new Map()));
  let entry = byReason.get(reason);
  if (entry === undefined) byReason.set(reason, (entry = { field, reason, count: 0, examples: [] }));
  return entry;
}

function bumpOne(entry: QualityEntry, id: string): void {
  entry.count++;
  if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(id);
}

function bump(map: EntryMap, field: string, reason: Reason, count: number, examples: readonly string[]): void {
  const entry = entryOf(map, field, reason);
  entry.count += count;
  for (const id of examples) {
    if (entry.examples.length >= MAX_EXAMPLES) break;
    entry.examples.push(id);
  }
}

function sorted(map: EntryMap): QualityEntry[] {
  return [...map.values()].flatMap((byReason) => [...byReason.values()])
    .map((e) => ({ ...e, examples: [...e.examples] }))
    .sort((a, b) => b.count - a.count || cmp(a.field, b.field) || cmp(a.reason, b.reason));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A readable summary, for the CLI and the report's .txt companion. */
export function formatQualityReport(snapshot: QualitySnapshot): string {
  const excluded = snapshot.itemsIn - snapshot.itemsOut;
  const share = snapshot.itemsIn === 0 ? '0' : ((100 * excluded) / snapshot.itemsIn).toFixed(1);
  const lines = [`items in: ${snapshot.itemsIn}`, `items out: ${snapshot.itemsOut}`, `excluded: ${excluded} (${share} %)`];
  const section = (title: string, entries: readonly QualityEntry[]) => {
    if (entries.length === 0) return;
    lines.push('', `${title}:`);
    for (const e of entries) {
      lines.push(`  ${String(e.count).padStart(8)}  ${e.field}: ${e.reason} (${REASONS[e.reason]})`);
      if (e.examples.length > 0) lines.push(`            e.g. ${e.examples.join(', ')}`);
    }
  };
  section('exclusions', snapshot.exclusions);
  section('warnings', snapshot.warnings);
  return `${lines.join('\n')}\n`;
}

/**
 * Why most items of a refused feed were excluded, in one clause for the refusal's message: the
 * quality report holds the detail, but "would hold no item" alone sends the user looking.
 */
export function mainExclusion(q: QualitySnapshot): string | undefined {
  const top = q.exclusions[0];
  if (top === undefined) return undefined;
  return `${top.count} of ${q.itemsIn} items were excluded for ${top.field}: ${top.reason} (${REASONS[top.reason]}), e.g. ${top.examples.slice(0, 3).join(', ')}`;
}
