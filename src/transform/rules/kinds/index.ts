/** The registry of rule kinds: the one place a new kind is added. */
import type { RuleKind } from '../types.js';
import { categoryKind } from './category.js';
import { cleanKind } from './clean.js';
import { convertKind } from './convert.js';
import { dropKind, keepKind } from './filter.js';
import type { RuleKindDef } from './kind.js';
import { priceKind } from './price.js';
import { replaceKind } from './replace.js';
import { setKind } from './set.js';
import { shippingKind } from './shipping.js';
import { utmKind } from './utm.js';

// Method parameters are bivariant, so each kind's own body type fits RuleKindDef<unknown>.
export const KINDS: Record<RuleKind, RuleKindDef<unknown>> = {
  keep: keepKind,
  drop: dropKind,
  set: setKind,
  clean: cleanKind,
  replace: replaceKind,
  price: priceKind,
  convert: convertKind,
  category: categoryKind,
  utm: utmKind,
  shipping: shippingKind,
};

export { CHANGED, DROPPED, MISSED, UNCHANGED, type Step } from './kind.js';
