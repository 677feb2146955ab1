/**
 * What a rule kind provides: a validator that turns the body of its key (`set: {...}`) into the
 * canonical form, and a compiler that turns the canonical form into a step. A step returns a set
 * of outcome bits, which the rule runner turns into the per-rule counters.
 */
import type { Item } from '../../item.js';
import type { Ctx } from '../check.js';
import { resolveField, textGetter, textSetter, type FieldRef } from '../fields.js';

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

/**
 * The step of a text rule (clean, replace): `transform` runs on each listed field that is not
 * empty; a field is written back only when its text changed.
 */
export function textFieldsStep(fields: readonly string[], transform: (s: string) => string): Step {
  const targets = fields.map((name) => {
    const ref = resolveField(name) as FieldRef;
    return { read: textGetter(ref), write: textSetter(ref) };
  });
  return (item) => {
    let outcome = UNCHANGED;
    for (const t of targets) {
      const before = t.read(item);
      if (before === '') continue;
      const after = transform(before);
      if (after !== before) {
        t.write(item, after);
        outcome = CHANGED;
      }
    }
    return outcome;
  };
}
