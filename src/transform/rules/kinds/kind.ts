/**
 * What a rule kind provides: a validator that turns the body of its key (`set: {...}`) into the
 * canonical form, and a compiler that turns the canonical form into a step. A step returns a set
 * of outcome bits, which the rule runner turns into the per-rule counters.
 */
import type { Item } from '../../item.js';
import type { Ctx } from '../check.js';

export const UNCHANGED = 0;
export const CHANGED = 1;
export const DROPPED = 2;
/** The rule found nothing to work with (no category row, no rate, no URL). */
export const MISSED = 4;

export type Step = (item: Item) => number;

export interface RuleKindDef<B> {
  validate(ctx: Ctx, body: unknown): B | undefined;
  compile(body: B): Step;
}
