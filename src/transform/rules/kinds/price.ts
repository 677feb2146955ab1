/**
 * `price: {fields, percent, add, round}` adjusts money fields in integer minor units, in that
 * order: markup by a percentage (rounded half away from zero to the minor unit), add a fixed
 * amount, then snap to a price grid (`round`). Amounts are major units of each item's currency.
 */
import { currencyExponent } from '../../../money.js';
import { at, decimal, fail, fieldList, isPlainObject, knownKeys, object, oneOf, type Ctx } from '../check.js';
import { floorDiv, mulRatio, parseDecimal, pow10, ratio, toMinorExact, toMinorRounded, type Ratio } from '../decimal.js';
import { numberSetter, rawGetter, resolveField, type FieldRef } from '../fields.js';
import type { PriceRule, RoundMode, RoundSpec } from '../types.js';
import { CHANGED, MISSED, UNCHANGED, type RuleKindDef } from './kind.js';

type PriceBody = PriceRule['price'];

const MODES: readonly RoundMode[] = ['nearest', 'up', 'down'];
const SHORTHANDS: Record<string, RoundSpec> = {
  whole: { step: '1', ending: '0', mode: 'nearest' },
  'whole-up': { step: '1', ending: '0', mode: 'up' },
  'whole-down': { step: '1', ending: '0', mode: 'down' },
};

function validateRound(ctx: Ctx, raw: unknown): RoundSpec | undefined {
  if (typeof raw === 'string') {
    const s = SHORTHANDS[raw];
    if (s !== undefined) return { ...s };
    oneOf(ctx, raw, Object.keys(SHORTHANDS));
    return undefined;
  }
  if (!isPlainObject(raw)) return fail(ctx, `${Object.keys(SHORTHANDS).join(', ')} or {step, ending, mode}`, raw);
  const obj = object(ctx, raw) as Record<string, unknown>;
  knownKeys(ctx, obj, ['step', 'ending', 'mode']);
  const step = obj.step === undefined ? '1' : decimal(at(ctx, 'step'), obj.step, { min: 0, exclusiveMin: true });
  const ending = obj.ending === undefined ? '0' : decimal(at(ctx, 'ending'), obj.ending, { min: 0 });
  const mode = oneOf(at(ctx, 'mode'), obj.mode, MODES, 'nearest');
  if (step === undefined || ending === undefined || mode === undefined) return undefined;
  if (Number(ending) >= Number(step)) return fail(at(ctx, 'ending'), `an ending below the step (${step})`, ending);
  return { step, ending, mode };
}

/**
 * Snaps `minor` to the grid {k × step + ending}: `down` takes the largest grid point ≤ minor,
 * `up` the smallest ≥ minor, `nearest` the closer one (ties go up). A price already on the grid
 * is kept. A result ≤ 0 becomes the smallest positive grid point: rounding never makes a price
 * free.
 */
export function roundToGrid(minor: number, step: number, ending: number, mode: RoundMode): number {
  const down = floorDiv(minor - ending, step) * step + ending;
  let out: number;
  if (down === minor) out = minor;
  else if (mode === 'down') out = down;
  else if (mode === 'up') out = down + step;
  else out = (minor - down) * 2 >= step ? down + step : down;
  if (out <= 0 && minor > 0) return ending > 0 ? ending : step;
  return out;
}

export const priceKind: RuleKindDef<PriceBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['field', 'fields', 'percent', 'add', 'round']);
    const fields = fieldList(ctx, obj, { writable: true, types: ['money'] }, ['price', 'salePrice']);
    const body: Partial<PriceBody> = { fields };
    let ok = fields !== undefined;
    if (obj.percent !== undefined) {
      body.percent = decimal(at(ctx, 'percent'), obj.percent, { min: -100, exclusiveMin: true, what: 'a percentage such as 10 or -7.5' });
      ok &&= body.percent !== undefined;
    }
    if (obj.add !== undefined) {
      body.add = decimal(at(ctx, 'add'), obj.add, { what: 'an amount in major units such as 2.50 or -1' });
      ok &&= body.add !== undefined;
    }
    if (obj.round !== undefined) {
      body.round = validateRound(at(ctx, 'round'), obj.round);
      ok &&= body.round !== undefined;
    }
    if (obj.percent === undefined && obj.add === undefined && obj.round === undefined) {
      return fail(ctx, 'at least one of percent, add, round');
    }
    return ok ? (body as PriceBody) : undefined;
  },

  compile(body) {
    let markup: Ratio | undefined;
    if (body.percent !== undefined && body.percent !== '0') {
      const p = parseDecimal(body.percent);
      const den = 100n * pow10(p.scale);
      markup = ratio(den + p.units, den);
    }
    const add = body.add === undefined ? undefined : parseDecimal(body.add);
    const addCache: number[] = [];
    const round = body.round;
    const grid: ({ step: number; ending: number } | null)[] = [];
    const gridFor = (e: number) => {
      if (round === undefined) return null;
      const cached = grid[e];
      if (cached !== undefined) return cached;
      const step = toMinorExact(parseDecimal(round.step), e);
      const ending = toMinorExact(parseDecimal(round.ending), e);
      // A grid finer than the currency's minor unit (0.99 for JPY) cannot apply: leave such prices.
      const g = step === undefined || ending === undefined || step <= 0 ? null : { step, ending };
      grid[e] = g;
      return g;
    };
    const targets = body.fields.map((name) => {
      const ref = resolveField(name) as FieldRef;
      return { read: rawGetter(ref), write: numberSetter(ref) };
    });
    return (item) => {
      const e = currencyExponent(item.currency);
      let outcome = UNCHANGED;
      for (const t of targets) {
        const before = t.read(item) as number | null;
        if (before === null) continue;
        let v = before;
        if (markup !== undefined) v = mulRatio(v, markup);
        if (add !== undefined) v += addCache[e] ??= toMinorRounded(add, e);
        if (round !== undefined) {
          const g = gridFor(e);
          if (g === null) outcome |= MISSED;
          else if (Number.isSafeInteger(v)) v = roundToGrid(v, g.step, g.ending, round.mode);
        }
        if (!Number.isSafeInteger(v)) {
          outcome |= MISSED;
          continue;
        }
        if (v !== before) {
          t.write(item, v);
          outcome |= CHANGED;
        }
      }
      return outcome;
    };
  },
};
