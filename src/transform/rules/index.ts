/**
 * The rule language: parse (JSON/YAML) → validate into a canonical, plain-JSON RuleSetSpec →
 * compile once per worker into closures → apply per item. No eval, Function or vm; no rule text
 * ever reaches SQL. See docs/rules.md.
 */
export { parseRuleSet, parseRuleText, detectFormat, type RuleFormat, type RuleSource } from './parse.js';
export { loadRuleFile, resolveRuleFiles, readCategoryTable } from './load.js';
export { validateRuleSet } from './validate.js';
export { rulesHash, canonicalJson } from './hash.js';
export { compileRules, mergeRuleCounters, subtractRuleCounters, ruleLabel, type CompiledRules } from './compile.js';
export type { Issue } from './check.js';
export type {
  RuleSetSpec,
  RuleSpec,
  RuleKind,
  ConditionSpec,
  RuleCounter,
  RuleCounters,
} from './types.js';
export { RULE_KINDS } from './types.js';

/** Channels that have their own section in the rule set (to warn about ones no export asks for). */
export function ruleSetChannels(spec: import('./types.js').RuleSetSpec): string[] {
  return Object.keys(spec.channels);
}

/** An empty rule set: every item kept unchanged. */
export function emptyRuleSet(): import('./types.js').RuleSetSpec {
  return { version: 1, all: [], channels: {} };
}
