/**
 * `keep: <condition>` drops every item that does not match; `drop: <condition>` drops every item
 * that does. Filters run in file order with the other rules, so a filter placed after a price
 * rule sees the adjusted price.
 */
import { compileCondition, validateCondition } from '../condition.js';
import type { ConditionSpec } from '../types.js';
import { DROPPED, UNCHANGED, type RuleKindDef } from './kind.js';

export const keepKind: RuleKindDef<ConditionSpec> = {
  validate: (ctx, body) => validateCondition(ctx, body),
  compile(body) {
    const test = compileCondition(body);
    return (item) => (test(item) ? UNCHANGED : DROPPED);
  },
};

export const dropKind: RuleKindDef<ConditionSpec> = {
  validate: (ctx, body) => validateCondition(ctx, body),
  compile(body) {
    const test = compileCondition(body);
    return (item) => (test(item) ? DROPPED : UNCHANGED);
  },
};
