/**
 * Compiling a rule set for one channel into plain closures, once per worker, and running them per
 * item. The spec is re-validated first (cheap, idempotent), so whatever crossed the thread
 * boundary is checked before a closure is built from it. Counters are plain numbers in plain
 * objects, summed across workers with mergeRuleCounters.
 */
import { FeedmillError } from '../../errors.js';
import type { Item } from '../item.js';
import { compileCondition, type Predicate } from './condition.js';
import { CHANGED, DROPPED, KINDS, MISSED, type Step } from './kinds/index.js';
import { RULE_KINDS, type RuleCounter, type RuleCounters, type RuleKind, type RuleSetSpec, type RuleSpec } from './types.js';
import { unresolvedFiles, validateRuleSet } from './validate.js';

export interface CompiledRules {
  readonly channel: string;
  /** Number of rules that run for this channel (`all` first, then the channel's own). */
  readonly size: number;
  /**
   * Runs the rules on `item`, changing it in place; returns false when a rule dropped it (the
   * remaining rules do not run). Give each channel its own copy of an item (cloneItem).
   */
  apply(item: Item): boolean;
  /** A snapshot of the counters, plain JSON. */
  counters(): RuleCounters;
  /** Dropped items per rule label, only rules that dropped something; a snapshot. */
  readonly dropReasons: Record<string, number>;
}

export function ruleKind(rule: RuleSpec): RuleKind {
  return RULE_KINDS.find((k) => k in rule) as RuleKind;
}

export function ruleLabel(section: string, index: number, rule: RuleSpec): string {
  return `${section}[${index}] ${rule.name ?? ruleKind(rule)}`;
}

interface Compiled {
  when: Predicate | undefined;
  step: Step;
  counter: RuleCounter;
}

export function compileRules(spec: RuleSetSpec, channel: string): CompiledRules {
  const valid = validateRuleSet(spec);
  const pending = unresolvedFiles(valid).filter((f) => f.section === 'all' || f.section === channel)[0];
  if (pending !== undefined) {
    throw new FeedmillError(
      'FEEDMILL_RULES_INVALID',
      `${pending.path}: the category file ${JSON.stringify(pending.file)} was not read; load the rule file with loadRuleFile (or resolveRuleFiles) before compiling`,
      { section: pending.section, index: pending.index, field: 'file', path: pending.path, file: pending.file },
    );
  }
  const rules: Compiled[] = [];
  const add = (section: string, list: readonly RuleSpec[]) =>
    list.forEach((rule, index) => {
      const kind = ruleKind(rule);
      rules.push({
        when: rule.when === undefined ? undefined : compileCondition(rule.when),
        step: KINDS[kind].compile((rule as unknown as Record<string, unknown>)[kind]),
        counter: {
          label: ruleLabel(section, index, rule),
          section,
          index,
          name: rule.name ?? null,
          kind,
          applied: 0,
          changed: 0,
          dropped: 0,
          missed: 0,
        },
      });
    });
  add('all', valid.all);
  add(channel, valid.channels[channel] ?? []);

  let items = 0;
  let dropped = 0;
  const apply = (item: Item): boolean => {
    items += 1;
    for (const r of rules) {
      if (r.when !== undefined && !r.when(item)) continue;
      r.counter.applied += 1;
      const outcome = r.step(item);
      if (outcome === 0) continue;
      if (outcome & CHANGED) r.counter.changed += 1;
      if (outcome & MISSED) r.counter.missed += 1;
      if (outcome & DROPPED) {
        r.counter.dropped += 1;
        dropped += 1;
        return false;
      }
    }
    return true;
  };
  return {
    channel,
    size: rules.length,
    apply,
    counters: () => ({ channel, items, kept: items - dropped, dropped, rules: rules.map((r) => ({ ...r.counter })) }),
    get dropReasons() {
      const out: Record<string, number> = {};
      for (const r of rules) if (r.counter.dropped > 0) out[r.counter.label] = r.counter.dropped;
      return out;
    },
  };
}

/** Sums the counters of the same channel and rule set from several workers. */
/** `after - before` of one compiled rule set: the counts of the items seen in between. */
export function subtractRuleCounters(after: RuleCounters, before: RuleCounters): RuleCounters {
  return {
    channel: after.channel,
    items: after.items - before.items,
    kept: after.kept - before.kept,
    dropped: after.dropped - before.dropped,
    rules: after.rules.map((r, i) => {
      const b = before.rules[i];
      return b === undefined
        ? r
        : { ...r, applied: r.applied - b.applied, changed: r.changed - b.changed, dropped: r.dropped - b.dropped, missed: r.missed - b.missed };
    }),
  };
}

export function mergeRuleCounters(a: RuleCounters, b: RuleCounters): RuleCounters {
  if (a.channel !== b.channel || a.rules.length !== b.rules.length || a.rules.some((r, i) => r.label !== b.rules[i]?.label)) {
    throw new FeedmillError('FEEDMILL_INTERNAL', 'rule counters of different channels or rule sets cannot be merged', {
      channels: [a.channel, b.channel],
    });
  }
  return {
    channel: a.channel,
    items: a.items + b.items,
    kept: a.kept + b.kept,
    dropped: a.dropped + b.dropped,
    rules: a.rules.map((r, i) => {
      const o = b.rules[i] as RuleCounter;
      return { ...r, applied: r.applied + o.applied, changed: r.changed + o.changed, dropped: r.dropped + o.dropped, missed: r.missed + o.missed };
    }),
  };
}
