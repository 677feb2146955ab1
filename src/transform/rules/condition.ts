/**
 * Conditions, used by `keep` / `drop` and by every rule's `when`: leaf tests on one field,
 * combined with `all`, `any` and `not`. Validated into a canonical form, then compiled into
 * predicates. Money fields compare exactly in integer minor units of each item's currency.
 */
import { currencyExponent } from '../../money.js';
import type { Item } from '../item.js';
import { at, boolean, decimal, fail, field, knownKeys, list, object, string, type Ctx } from './check.js';
import { minorThreshold, parseDecimal, type MinorThreshold } from './decimal.js';
import { isEmptyValue, rawGetter, resolveField, textGetter, type FieldRef } from './fields.js';
import { unsafePatternReason } from './regex-guard.js';
import type { ConditionSpec, LeafCondition } from './types.js';

const TEXT_OPS = ['equals', 'in', 'contains', 'matches'] as const;
const NUMBER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const LEAF_OPS = [...TEXT_OPS, ...NUMBER_OPS, 'empty'] as const;
type LeafOp = (typeof LEAF_OPS)[number];
const LEAF_KEYS = ['field', ...LEAF_OPS, 'ignoreCase'];
const ALL_KEYS = [...LEAF_KEYS, 'all', 'any', 'not'];
const MAX_DEPTH = 32;
const MAX_IN_VALUES = 100_000;

/** Compiles a user pattern once; the same options are used when the rule is compiled. */
export function checkPattern(ctx: Ctx, v: unknown, ignoreCase: boolean): string | undefined {
  const pattern = string(ctx, v, { min: 1, max: 10_000 });
  if (pattern === undefined) return undefined;
  try {
    new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (err) {
    return fail(ctx, `a valid regular expression (${(err as Error).message})`, pattern);
  }
  const reason = unsafePatternReason(pattern);
  if (reason !== undefined) return fail(ctx, `a regular expression that cannot backtrack without end; this one has ${reason}`, pattern);
  return pattern;
}

function scalarText(ctx: Ctx, v: unknown, ref: FieldRef): string | undefined {
  if (ref.type !== 'text') return decimal(ctx, v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return string(ctx, v);
}

export function validateCondition(ctx: Ctx, raw: unknown, depth = 0): ConditionSpec | undefined {
  const obj = object(ctx, raw, 'a condition: {field, equals|in|contains|matches|gt|gte|lt|lte|empty} or {all|any: [...]} or {not: ...}');
  if (obj === undefined) return undefined;
  if (depth > MAX_DEPTH) return fail(ctx, `conditions nested at most ${MAX_DEPTH} deep`);
  knownKeys(ctx, obj, ALL_KEYS);
  for (const combinator of ['all', 'any', 'not'] as const) {
    if (obj[combinator] === undefined) continue;
    const others = Object.keys(obj).filter((k) => k !== combinator && ALL_KEYS.includes(k));
    if (others.length > 0) return fail(at(ctx, others[0] as string), `nothing beside ${combinator} (wrap tests in ${combinator}: [...])`);
    if (combinator === 'not') {
      const inner = validateCondition(at(ctx, 'not'), obj.not, depth + 1);
      return inner === undefined ? undefined : { not: inner };
    }
    const items = list(at(ctx, combinator), obj[combinator], { min: 1, max: 10_000 });
    if (items === undefined) return undefined;
    const out = items.map((c, i) => validateCondition(at(at(ctx, combinator), i), c, depth + 1));
    if (out.some((c) => c === undefined)) return undefined;
    return combinator === 'all' ? { all: out as ConditionSpec[] } : { any: out as ConditionSpec[] };
  }
  const ref = field(at(ctx, 'field'), obj.field);
  const ops = LEAF_OPS.filter((op) => obj[op] !== undefined);
  if (ops.length === 0) {
    return fail(ctx, `a test beside field: one of ${LEAF_OPS.join(', ')}`, undefined, obj.field === undefined ? 'field' : undefined);
  }
  const ignoreCase = boolean(at(ctx, 'ignoreCase'), obj.ignoreCase, false);
  if (ignoreCase && !ops.some((op) => (TEXT_OPS as readonly string[]).includes(op))) {
    fail(at(ctx, 'ignoreCase'), 'ignoreCase only beside equals, in, contains or matches');
  }
  if (ref === undefined) return undefined;
  const leaves: LeafCondition[] = [];
  for (const op of ops) {
    const c = at(ctx, op);
    const v = obj[op];
    const leaf: LeafCondition = { field: ref.name };
    let ok = true;
    switch (op) {
      case 'equals': {
        const s = scalarText(c, v, ref);
        if (s === undefined) ok = false;
        else leaf.equals = s;
        break;
      }
      case 'in': {
        const values = list(c, v, { min: 1, max: MAX_IN_VALUES });
        if (values === undefined) {
          ok = false;
          break;
        }
        const out = values.map((x, i) => scalarText(at(c, i), x, ref));
        if (out.some((x) => x === undefined)) ok = false;
        else leaf.in = out as string[];
        break;
      }
      case 'contains': {
        const s = string(c, v, { min: 1 });
        if (s === undefined) ok = false;
        else leaf.contains = s;
        break;
      }
      case 'matches': {
        const p = checkPattern(c, v, ignoreCase);
        if (p === undefined) ok = false;
        else leaf.matches = p;
        break;
      }
      case 'empty':
        if (typeof v !== 'boolean') {
          fail(c, 'true (the field is missing or blank) or false', v);
          ok = false;
        } else {
          leaf.empty = v;
        }
        break;
      default: {
        const d = decimal(c, v);
        if (d === undefined) ok = false;
        else leaf[op] = d;
      }
    }
    if (!ok) return undefined;
    if (ignoreCase && (TEXT_OPS as readonly string[]).includes(op)) leaf.ignoreCase = true;
    leaves.push(leaf);
  }
  return leaves.length === 1 ? leaves[0] : { all: leaves };
}

export type Predicate = (item: Item) => boolean;

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** Reads a number out of free text ("12.5", "12,5"); NaN when the text is not a plain number. */
function textNumber(s: string): number {
  const t = s.trim();
  return NUMERIC_TEXT.test(t) ? Number(t.replace(',', '.')) : Number.NaN;
}

type Compare = (a: number, b: number) => boolean;
const COMPARE: Record<(typeof NUMBER_OPS)[number], Compare> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

/** minor OP x, for x given as floor(x) and whether x is whole. */
function compareMinor(op: (typeof NUMBER_OPS)[number] | 'equals', minor: number, t: MinorThreshold): boolean {
  switch (op) {
    case 'gt':
      return minor > t.floor;
    case 'gte':
      return t.whole ? minor >= t.floor : minor > t.floor;
    case 'lt':
      return t.whole ? minor < t.floor : minor <= t.floor;
    case 'lte':
      return minor <= t.floor;
    case 'equals':
      return t.whole && minor === t.floor;
  }
}

/** Per-exponent thresholds of one decimal, computed once per exponent actually met. */
function moneyThreshold(text: string): (exponent: number) => MinorThreshold {
  const d = parseDecimal(text);
  const cache: MinorThreshold[] = [];
  return (exponent) => (cache[exponent] ??= minorThreshold(d, exponent));
}

function compileLeaf(leaf: LeafCondition): Predicate {
  const ref = resolveField(leaf.field) as FieldRef;
  const op = LEAF_OPS.find((o) => leaf[o] !== undefined) as LeafOp;
  const raw = rawGetter(ref);
  if (op === 'empty') {
    const want = leaf.empty as boolean;
    return (item) => isEmptyValue(raw(item)) === want;
  }
  const numeric = ref.type !== 'text';
  if (ref.type === 'money' && (op === 'equals' || op === 'in' || (NUMBER_OPS as readonly string[]).includes(op))) {
    const texts = op === 'in' ? (leaf.in as string[]) : [leaf[op] as string];
    const thresholds = texts.map(moneyThreshold);
    const cmp = op === 'in' ? 'equals' : (op as (typeof NUMBER_OPS)[number] | 'equals');
    return (item) => {
      const v = raw(item) as number | null;
      if (v === null) return false;
      const e = currencyExponent(item.currency);
      for (const t of thresholds) if (compareMinor(cmp, v, t(e))) return true;
      return false;
    };
  }
  if ((NUMBER_OPS as readonly string[]).includes(op)) {
    const limit = Number(leaf[op]);
    const cmp = COMPARE[op as (typeof NUMBER_OPS)[number]];
    if (numeric) {
      return (item) => {
        const v = raw(item) as number | null;
        return v !== null && cmp(v, limit);
      };
    }
    const text = textGetter(ref);
    return (item) => {
      const v = textNumber(text(item));
      return !Number.isNaN(v) && cmp(v, limit);
    };
  }
  if (numeric && (op === 'equals' || op === 'in')) {
    const wanted = new Set((op === 'in' ? (leaf.in as string[]) : [leaf.equals as string]).map(Number));
    return (item) => {
      const v = raw(item) as number | null;
      return v !== null && wanted.has(v);
    };
  }
  const text = textGetter(ref);
  const fold = leaf.ignoreCase === true;
  const read = fold ? (item: Item) => text(item).toLowerCase() : text;
  switch (op) {
    case 'equals': {
      const want = fold ? (leaf.equals as string).toLowerCase() : (leaf.equals as string);
      return (item) => read(item) === want;
    }
    case 'in': {
      const set = new Set((leaf.in as string[]).map((s) => (fold ? s.toLowerCase() : s)));
      return (item) => set.has(read(item));
    }
    case 'contains': {
      const needle = fold ? (leaf.contains as string).toLowerCase() : (leaf.contains as string);
      return (item) => read(item).includes(needle);
    }
    default: {
      // No `g` flag: a global RegExp keeps lastIndex between test() calls and would skip items.
      const re = new RegExp(leaf.matches as string, fold ? 'i' : '');
      return (item) => re.test(text(item));
    }
  }
}

export function compileCondition(c: ConditionSpec): Predicate {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    if (parts.length === 1) return parts[0] as Predicate;
    return (item) => {
      for (const p of parts) if (!p(item)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return (item) => {
      for (const p of parts) if (p(item)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (item) => !inner(item);
  }
  return compileLeaf(c);
}
