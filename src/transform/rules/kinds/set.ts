/**
 * `set: {field, template | value, ifEmpty}` writes a field from a template (`{brand} {title}`) or
 * a literal. An empty result clears the field. Money fields take a decimal in major units of the
 * item's currency; whole-number fields take a whole number.
 */
import { currencyExponent } from '../../../money.js';
import { AVAILABILITIES, CONDITIONS } from '../../../model.js';
import { at, boolean, fail, field, knownKeys, object, string } from '../check.js';
import { decimalText, parseDecimal, toMinorRounded } from '../decimal.js';
import { isEmptyValue, numberSetter, rawGetter, resolveField, textSetter, type FieldRef } from '../fields.js';
import { checkTemplate, compileTemplate } from '../template.js';
import type { SetRule } from '../types.js';
import { CHANGED, UNCHANGED, type RuleKindDef, type Step } from './kind.js';

type SetBody = SetRule['set'];

const ENUMS: Record<string, readonly string[]> = { availability: AVAILABILITIES, condition: CONDITIONS };

export const setKind: RuleKindDef<SetBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['field', 'value', 'template', 'ifEmpty']);
    const ref = field(at(ctx, 'field'), obj.field, { writable: true });
    const ifEmpty = boolean(at(ctx, 'ifEmpty'), obj.ifEmpty, false);
    if ((obj.value === undefined) === (obj.template === undefined)) {
      return fail(at(ctx, 'value'), 'exactly one of value (literal text) or template (text with {field} placeholders)');
    }
    if (ref === undefined) return undefined;
    if (obj.template !== undefined) {
      if (ref.type !== 'text') return fail(at(ctx, 'template'), `value, not template, for the ${ref.type} field ${ref.name}`);
      const template = checkTemplate(at(ctx, 'template'), obj.template);
      return template === undefined ? undefined : { field: ref.name, template, ifEmpty };
    }
    const vctx = at(ctx, 'value');
    if (ref.type === 'text') {
      const value = string(vctx, obj.value);
      if (value === undefined) return undefined;
      const allowed = ENUMS[ref.name];
      if (allowed !== undefined && value !== '' && !allowed.includes(value)) return fail(vctx, `one of ${allowed.join(', ')}`, value);
      return { field: ref.name, value, ifEmpty };
    }
    if (obj.value === '') {
      if (!ref.nullable) return fail(vctx, `a value: ${ref.name} cannot be cleared`);
      return { field: ref.name, value: '', ifEmpty };
    }
    if (ref.type === 'int') {
      const n = typeof obj.value === 'string' && /^\d{1,15}$/.test(obj.value) ? Number(obj.value) : obj.value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        return fail(vctx, 'a whole number of at least 0, or "" to clear', obj.value);
      }
      return { field: ref.name, value: String(n), ifEmpty };
    }
    const amount = decimalText(obj.value);
    if (amount === undefined || amount.startsWith('-')) {
      return fail(vctx, 'an amount in major units such as 4.99 (or "" to clear)', obj.value);
    }
    return { field: ref.name, value: amount, ifEmpty };
  },

  compile(body) {
    const ref = resolveField(body.field) as FieldRef;
    const current = rawGetter(ref);
    const guard = body.ifEmpty;
    let step: Step;
    if (ref.type === 'text') {
      const write = textSetter(ref);
      const render = body.template !== undefined ? compileTemplate(body.template) : () => body.value as string;
      step = (item) => {
        const before = current(item);
        if (guard && !isEmptyValue(before)) return UNCHANGED;
        const value = render(item);
        if (value === (before ?? '')) return UNCHANGED;
        write(item, value);
        return CHANGED;
      };
    } else {
      const write = numberSetter(ref);
      const value = body.value as string;
      let resolve: (currency: string) => number | null;
      if (value === '') resolve = () => null;
      else if (ref.type === 'int') {
        const n = Number(value);
        resolve = () => n;
      } else {
        const d = parseDecimal(value);
        const cache: number[] = [];
        resolve = (currency) => {
          const e = currencyExponent(currency);
          return (cache[e] ??= toMinorRounded(d, e));
        };
      }
      step = (item) => {
        const before = current(item);
        if (guard && !isEmptyValue(before)) return UNCHANGED;
        const next = resolve(item.currency);
        if (next === before) return UNCHANGED;
        write(item, next);
        return CHANGED;
      };
    }
    return step;
  },
};
