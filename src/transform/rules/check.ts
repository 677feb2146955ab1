/**
 * Validation plumbing: a context that knows which rule and which key is being read, and helpers
 * that read one value each, record an issue when it is wrong and go on, so that one run reports
 * every problem of a rule file, each naming its rule (section, index, name) and key.
 */
import { closest } from '../../config.js';
import { FeedmillError } from '../../errors.js';
import { decimalText } from './decimal.js';
import { FIELD_NAMES, resolveField, type FieldRef, type FieldType } from './fields.js';

export interface Issue {
  /** `all`, a channel name, or "" for the top level of the file. */
  section: string;
  /** Position of the rule in its section, 0-based; null for the top level. */
  index: number | null;
  /** The rule's `name`, when it has one. */
  rule: string | null;
  /** The offending key (`gte`, `field`, `rates`…). */
  field: string;
  /** Full path of the key in the file: `channels.google-shopping[2].drop.all[0].gte`. */
  path: string;
  /** What would be accepted. */
  expected: string;
  got?: unknown;
  /** The closest valid key or field name, for unknown ones. */
  suggestion?: string;
}

export interface Ctx {
  issues: Issue[];
  section: string;
  index: number | null;
  rule: string | null;
  path: readonly (string | number)[];
}

export const MAX_ISSUES = 50;

export function rootCtx(): Ctx {
  return { issues: [], section: '', index: null, rule: null, path: [] };
}

export function at(ctx: Ctx, key: string | number): Ctx {
  return { ...ctx, path: [...ctx.path, key] };
}

export function renderPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function lastKey(path: readonly (string | number)[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i];
    if (typeof p === 'string') return p;
  }
  return '';
}

function shown(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 80)}…` : v;
  if (v === null || typeof v !== 'object') return v;
  return Array.isArray(v) ? 'a list' : 'an object';
}

export function fail(ctx: Ctx, expected: string, got?: unknown, suggestion?: string): undefined {
  if (ctx.issues.length >= MAX_ISSUES) return undefined;
  const issue: Issue = {
    section: ctx.section,
    index: ctx.index,
    rule: ctx.rule,
    field: lastKey(ctx.path),
    path: renderPath(ctx.path),
    expected,
  };
  if (got !== undefined) issue.got = shown(got);
  if (suggestion !== undefined) issue.suggestion = suggestion;
  ctx.issues.push(issue);
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(ctx: Ctx, v: unknown, what = 'an object (key: value pairs)'): Record<string, unknown> | undefined {
  return isPlainObject(v) ? v : fail(ctx, what, v);
}

/** Reports every key not in `allowed`, naming the closest allowed one. */
export function knownKeys(ctx: Ctx, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const suggestion = closest(key, allowed);
      fail(at(ctx, key), `a known key: did you mean ${suggestion}? (known keys: ${allowed.join(', ')})`, key, suggestion);
    }
  }
}

export function string(ctx: Ctx, v: unknown, opts: { min?: number; max?: number } = {}): string | undefined {
  const min = opts.min ?? 0;
  const max = opts.max ?? 10_000;
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') return fail(ctx, 'text', v);
  if (v.length < min || v.length > max) {
    return fail(ctx, min > 0 ? `text of ${min} to ${max} characters` : `text of at most ${max} characters`, v);
  }
  return v;
}

export function boolean(ctx: Ctx, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') {
    fail(ctx, 'true or false', v);
    return dflt;
  }
  return v;
}

export function oneOf<T extends string>(ctx: Ctx, v: unknown, options: readonly T[], dflt?: T): T | undefined {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
  const suggestion = typeof v === 'string' ? closest(v, options) : undefined;
  return fail(ctx, `one of ${options.join(', ')}`, v, suggestion);
}

export function integer(ctx: Ctx, v: unknown, min: number, max: number): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return fail(ctx, `a whole number from ${min} to ${max}`, v);
  }
  return v;
}

export function decimal(ctx: Ctx, v: unknown, opts: { min?: number; exclusiveMin?: boolean; what?: string } = {}): string | undefined {
  const text = decimalText(v);
  const what = opts.what ?? 'a decimal number such as 19.99 (a number or quoted text, no exponent)';
  if (text === undefined) return fail(ctx, what, v);
  if (opts.min !== undefined) {
    const n = Number(text);
    if (opts.exclusiveMin ? n <= opts.min : n < opts.min) {
      return fail(ctx, `${what}, ${opts.exclusiveMin ? 'above' : 'at least'} ${opts.min}`, v);
    }
  }
  return text;
}

export function list(ctx: Ctx, v: unknown, opts: { min?: number; max?: number } = {}): unknown[] | undefined {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100_000;
  if (!Array.isArray(v)) return fail(ctx, 'a list', v);
  if (v.length < min || v.length > max) return fail(ctx, `a list of ${min} to ${max} entries`, v);
  return v;
}

export interface FieldOpts {
  /** The rule writes the field. */
  writable?: boolean;
  /** Field types the rule can handle. */
  types?: readonly FieldType[];
}

/** Resolves a field name (aliases, `attrs.<key>`) to its canonical reference. */
export function field(ctx: Ctx, v: unknown, opts: FieldOpts = {}): FieldRef | undefined {
  if (typeof v !== 'string' || v === '') return fail(ctx, 'an item field name such as title or attrs.material', v);
  const ref = resolveField(v);
  if (ref === undefined) {
    const suggestion = closest(v, FIELD_NAMES);
    return fail(ctx, `an item field: did you mean ${suggestion}? (fields: ${FIELD_NAMES.join(', ')})`, v, suggestion);
  }
  if (opts.writable && ref.readonly) {
    return fail(ctx, `a field rules may change (${ref.name} is read-only${ref.name === 'currency' ? ': use a convert rule' : ''})`, v);
  }
  if (opts.types && !opts.types.includes(ref.type)) {
    return fail(ctx, `a ${opts.types.join(' or ')} field (${ref.name} is ${ref.type})`, v);
  }
  return ref;
}

/** `field: x` or `fields: [x, y]` (exactly one of them); returns canonical names. */
export function fieldList(ctx: Ctx, obj: Record<string, unknown>, opts: FieldOpts, dflt?: string[]): string[] | undefined {
  const one = obj.field;
  const many = obj.fields;
  if (one !== undefined && many !== undefined) return fail(at(ctx, 'fields'), 'either field or fields, not both');
  if (one !== undefined) {
    const ref = field(at(ctx, 'field'), one, opts);
    return ref === undefined ? undefined : [ref.name];
  }
  if (many === undefined) {
    if (dflt !== undefined) return dflt;
    return fail(at(ctx, 'field'), 'field: <name> or fields: [<name>, …]');
  }
  const items = list(at(ctx, 'fields'), many, { min: 1, max: 100 });
  if (items === undefined) return undefined;
  const out: string[] = [];
  items.forEach((f, i) => {
    const ref = field(at(at(ctx, 'fields'), i), f, opts);
    if (ref !== undefined && !out.includes(ref.name)) out.push(ref.name);
  });
  return out;
}

/** Throws FEEDMILL_RULES_INVALID for the collected issues; the first one is spread into details. */
export function throwIssues(issues: Issue[], source: string | undefined): void {
  const first = issues[0];
  if (first === undefined) return;
  const where = (i: Issue): string =>
    `${i.path === '' ? 'rule file' : i.path}${i.rule !== null ? ` (rule ${JSON.stringify(i.rule)})` : ''}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new FeedmillError(
    'FEEDMILL_RULES_INVALID',
    `${source !== undefined ? `${source}: ` : ''}${where(first)}: expected ${first.expected}${
      first.got !== undefined ? `, got ${JSON.stringify(first.got)}` : ''
    }${more}`,
    { ...(source !== undefined ? { source } : {}), ...first, issues },
  );
}
