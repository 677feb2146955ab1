/**
 * Validation of a whole rule set: from whatever JSON or YAML produced to the canonical
 * RuleSetSpec, reporting every problem with its rule and key. Idempotent: a canonical spec
 * validates to itself, which lets workers re-check what they receive.
 */
import { isValidName } from '../../names.js';
import { at, fail, isPlainObject, knownKeys, list, object, renderPath, rootCtx, string, throwIssues, type Ctx } from './check.js';
import { validateCondition } from './condition.js';
import { KINDS } from './kinds/index.js';
import { RULE_KINDS, type RuleKind, type RuleSetSpec, type RuleSpec } from './types.js';

export const MAX_RULES_PER_SECTION = 10_000;
const RULE_KEYS = ['name', 'when', ...RULE_KINDS];

function validateRule(ctx: Ctx, raw: unknown, names: Set<string>): RuleSpec | undefined {
  const obj = object(ctx, raw, `a rule: an object with one of ${RULE_KINDS.join(', ')}`);
  if (obj === undefined) return undefined;
  if (obj.name !== undefined) {
    const name = string(at(ctx, 'name'), obj.name, { min: 1, max: 100 });
    if (name !== undefined) {
      if (names.has(name)) fail(at(ctx, 'name'), 'a name used once per section', name);
      names.add(name);
      ctx = { ...ctx, rule: name };
    }
  }
  knownKeys(ctx, obj, RULE_KEYS);
  const kinds = RULE_KINDS.filter((k) => obj[k] !== undefined);
  if (kinds.length !== 1) {
    return fail(
      kinds.length === 0 ? ctx : at(ctx, kinds[1] as string),
      kinds.length === 0 ? `one of ${RULE_KINDS.join(', ')}` : `one kind per rule (this one has ${kinds.join(' and ')}): split it in two`,
    );
  }
  const kind = kinds[0] as RuleKind;
  const body = KINDS[kind].validate(at(ctx, kind), obj[kind]);
  const rule: Record<string, unknown> = {};
  if (ctx.rule !== null) rule.name = ctx.rule;
  if (obj.when !== undefined) {
    const when = validateCondition(at(ctx, 'when'), obj.when);
    if (when === undefined) return undefined;
    rule.when = when;
  }
  if (body === undefined) return undefined;
  rule[kind] = body;
  return rule as unknown as RuleSpec;
}

function validateSection(ctx: Ctx, raw: unknown, section: string): RuleSpec[] {
  if (raw === null || raw === undefined) return [];
  const rules = list(ctx, raw, { max: MAX_RULES_PER_SECTION });
  if (rules === undefined) return [];
  const names = new Set<string>();
  const out: RuleSpec[] = [];
  rules.forEach((r, index) => {
    const rule = validateRule({ ...at(ctx, index), section, index }, r, names);
    if (rule !== undefined) out.push(rule);
  });
  return out;
}

/**
 * Validates a parsed rule file (an object with `version`, `all`, `channels`, or just a list of
 * rules, read as `all`) into the canonical spec. Throws FEEDMILL_RULES_INVALID listing every
 * problem in `details.issues`, the first one spread into `details`.
 */
export function validateRuleSet(value: unknown, source?: string): RuleSetSpec {
  const ctx = rootCtx();
  const spec: RuleSetSpec = { version: 1, all: [], channels: {} };
  if (value === null || value === undefined) return spec;
  if (Array.isArray(value)) {
    spec.all = validateSection(at(ctx, 'all'), value, 'all');
  } else if (isPlainObject(value)) {
    knownKeys(ctx, value, ['version', 'all', 'channels']);
    if (value.version !== undefined && value.version !== 1) fail(at(ctx, 'version'), '1 (the only rule file version)', value.version);
    spec.all = validateSection(at(ctx, 'all'), value.all, 'all');
    if (value.channels !== undefined && value.channels !== null) {
      const cctx = at(ctx, 'channels');
      const channels = object(cctx, value.channels, 'an object of channel name → list of rules');
      for (const [name, rules] of Object.entries(channels ?? {})) {
        if (!isValidName(name)) {
          fail(at(cctx, name), 'a channel name: lower-case letters, digits, - _ . (such as google-shopping)', name);
          continue;
        }
        spec.channels[name] = validateSection(at(cctx, name), rules, name);
      }
    }
  } else {
    fail(ctx, 'an object with all and/or channels, or a list of rules', value);
  }
  throwIssues(ctx.issues, source);
  return spec;
}

/** Every category rule whose CSV file has not been read into its table yet. */
export function unresolvedFiles(spec: RuleSetSpec): { section: string; index: number; path: string; file: string }[] {
  const out: { section: string; index: number; path: string; file: string }[] = [];
  const scan = (section: string, rules: RuleSpec[], prefix: (string | number)[]) =>
    rules.forEach((r, index) => {
      if ('category' in r && r.category.file !== undefined) {
        out.push({ section, index, path: renderPath([...prefix, index, 'category', 'file']), file: r.category.file });
      }
    });
  scan('all', spec.all, ['all']);
  for (const [name, rules] of Object.entries(spec.channels)) scan(name, rules, ['channels', name]);
  return out;
}
