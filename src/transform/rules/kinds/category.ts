/**
 * `category: {from, to, match, table, file, default, onMiss, separator}` maps a merchant category
 * path ("Men > Tops > Hoodies") to a channel taxonomy id. Paths compare segment by segment,
 * ignoring case and spacing around the separator. With `match: prefix` (the default) the longest
 * mapped ancestor wins: a table holding "Men > Tops" maps "Men > Tops > Hoodies" unless
 * "Men > Tops > Hoodies" has its own row; "Men > Top" never matches "Men > Tops".
 */
import { at, fail, field, knownKeys, object, oneOf, string, type Ctx } from '../check.js';
import { rawGetter, resolveField, textGetter, textSetter, type FieldRef } from '../fields.js';
import type { CategoryRule } from '../types.js';
import { CHANGED, DROPPED, MISSED, UNCHANGED, type RuleKindDef } from './kind.js';

type CategoryBody = CategoryRule['category'];

export const MAX_TABLE_ROWS = 1_000_000;
const SEGMENT_JOIN = '\u001f';
const MEMO_LIMIT = 50_000;

/** The comparison key of a path: trimmed, whitespace-collapsed, lower-case segments. */
export function categoryKey(path: string, separator: string): string {
  const out: string[] = [];
  for (const seg of path.split(separator)) {
    const s = seg.replace(/\s+/g, ' ').trim().toLowerCase();
    if (s !== '') out.push(s);
  }
  return out.join(SEGMENT_JOIN);
}

/** Checks one table row's id; used for inline tables and CSV rows alike. */
export function checkTableValue(ctx: Ctx, v: unknown): string | undefined {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return string(ctx, s, { min: 1, max: 1000 });
}

/** A relative path beside the rule file, never climbing out of its folder. */
export function checkTableFile(ctx: Ctx, v: unknown): string | undefined {
  const file = string(ctx, v, { min: 1, max: 255 });
  if (file === undefined) return undefined;
  if (file.startsWith('/') || file.startsWith('\\') || /^[A-Za-z]:/.test(file) || file.split(/[\\/]/).includes('..') || file.includes('\0')) {
    return fail(ctx, 'a file name relative to the rule file, inside its folder (no leading /, no ..)', file);
  }
  return file;
}

export const categoryKind: RuleKindDef<CategoryBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['from', 'to', 'match', 'table', 'file', 'default', 'onMiss', 'separator']);
    const from = obj.from === undefined ? 'category' : field(at(ctx, 'from'), obj.from)?.name;
    const to = obj.to === undefined ? 'googleCategory' : field(at(ctx, 'to'), obj.to, { writable: true, types: ['text'] })?.name;
    const match = oneOf(at(ctx, 'match'), obj.match, ['prefix', 'exact'] as const, 'prefix');
    const onMiss = oneOf(at(ctx, 'onMiss'), obj.onMiss, ['keep', 'drop'] as const, 'keep');
    const separator = obj.separator === undefined ? '>' : string(at(ctx, 'separator'), obj.separator, { min: 1, max: 3 });
    let ok = from !== undefined && to !== undefined && match !== undefined && onMiss !== undefined && separator !== undefined;
    const body: Partial<CategoryBody> = { from, to, match, table: {}, onMiss };
    if (separator !== undefined && separator !== '>') body.separator = separator;
    if (obj.table === undefined && obj.file === undefined) return fail(at(ctx, 'table'), 'table: {<merchant path>: <channel id>, …} or file: <csv beside the rule file>');
    if (obj.file !== undefined) {
      body.file = checkTableFile(at(ctx, 'file'), obj.file);
      ok &&= body.file !== undefined;
    }
    if (obj.table !== undefined) {
      const tctx = at(ctx, 'table');
      const table = object(tctx, obj.table, 'an object of merchant category path → channel id');
      if (table === undefined) return undefined;
      const entries = Object.entries(table);
      if (entries.length > MAX_TABLE_ROWS) return fail(tctx, `at most ${MAX_TABLE_ROWS} rows`);
      const seen = new Map<string, string>();
      for (const [path, id] of entries) {
        const rctx = at(tctx, path);
        const key = categoryKey(path, separator ?? '>');
        if (key === '' || path === '__proto__') {
          fail(rctx, 'a non-empty merchant category path as key', path);
          ok = false;
          continue;
        }
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          fail(rctx, `one row per path (${JSON.stringify(earlier)} is the same path)`, path);
          ok = false;
          continue;
        }
        seen.set(key, path);
        const value = checkTableValue(rctx, id);
        if (value === undefined) ok = false;
        else (body.table as Record<string, string>)[path] = value;
      }
    }
    if (obj.default !== undefined) {
      body.default = checkTableValue(at(ctx, 'default'), obj.default);
      ok &&= body.default !== undefined;
      if (onMiss === 'drop' && obj.onMiss !== undefined) {
        fail(at(ctx, 'onMiss'), 'either default or onMiss: drop (an item with a default never misses)');
        ok = false;
      }
    }
    return ok ? (body as CategoryBody) : undefined;
  },

  compile(body) {
    const separator = body.separator ?? '>';
    const map = new Map<string, string>();
    for (const [path, id] of Object.entries(body.table)) map.set(categoryKey(path, separator), id);
    const fromRef = resolveField(body.from) as FieldRef;
    const read = textGetter(fromRef);
    const toRef = resolveField(body.to) as FieldRef;
    const current = rawGetter(toRef);
    const write = textSetter(toRef);
    const prefix = body.match === 'prefix';
    const lookup = (path: string): string | undefined => {
      const key = categoryKey(path, separator);
      if (key === '') return undefined;
      const exact = map.get(key);
      if (exact !== undefined || !prefix) return exact;
      let end = key.lastIndexOf(SEGMENT_JOIN);
      while (end > 0) {
        const hit = map.get(key.slice(0, end));
        if (hit !== undefined) return hit;
        end = key.lastIndexOf(SEGMENT_JOIN, end - 1);
      }
      return undefined;
    };
    // Catalogs repeat the same few thousand paths; remembering answers skips the path splitting.
    const memo = new Map<string, string | null>();
    const cachedLookup = (path: string): string | undefined => {
      const hit = memo.get(path);
      if (hit !== undefined) return hit ?? undefined;
      const found = lookup(path);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(path, found ?? null);
      return found;
    };
    const fallback = body.default;
    const onMiss = body.onMiss === 'drop' ? DROPPED : MISSED;
    return (item) => {
      let id = cachedLookup(read(item));
      let outcome = UNCHANGED;
      if (id === undefined) {
        if (fallback === undefined) return onMiss;
        id = fallback;
        outcome = MISSED;
      }
      if (current(item) === id) return outcome;
      write(item, id);
      return outcome | CHANGED;
    };
  },
};
