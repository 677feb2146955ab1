/**
 * The item fields a rule may name, their types, and the accessors rules compile to.
 *
 * Rules use the item's camelCase names; snake_case spellings (`sale_price`) and the usual feed
 * column names (`google_product_category`, `image_link`) are accepted and mapped once, at
 * validation, so the compiled closures only ever see canonical names.
 */
import { formatAmount } from '../../money.js';
import type { Item, ItemField } from '../item.js';

export type FieldType = 'text' | 'money' | 'int';

interface FieldInfo {
  type: FieldType;
  /** Rules may not write it: identity, currency (changed only by `convert`), provenance. */
  readonly: boolean;
  /** May hold null. */
  nullable: boolean;
}

const text = (readonly = false, nullable = true): FieldInfo => ({ type: 'text', readonly, nullable });

/** Every key of `Item` except `attrs`; the `satisfies` keeps this list in step with the model. */
export const ITEM_FIELDS = {
  oid: { type: 'int', readonly: true, nullable: false },
  id: text(true, false),
  groupId: text(),
  productKey: text(),
  title: text(),
  description: text(),
  brand: text(),
  category: text(),
  googleCategory: text(),
  link: text(),
  image: text(),
  additionalImages: text(),
  price: { type: 'money', readonly: false, nullable: false },
  salePrice: { type: 'money', readonly: false, nullable: true },
  currency: text(true, false),
  availability: text(),
  quantity: { type: 'int', readonly: false, nullable: true },
  gtin: text(),
  mpn: text(),
  condition: text(),
  color: text(),
  size: text(),
  gender: text(),
  ageGroup: text(),
  material: text(),
  shippingPrice: { type: 'money', readonly: false, nullable: true },
  departureDate: text(),
  nights: { type: 'int', readonly: false, nullable: true },
  room: text(),
  board: text(),
  seats: { type: 'int', readonly: false, nullable: true },
  line: { type: 'int', readonly: true, nullable: true },
} as const satisfies Record<ItemField, FieldInfo>;

export type CanonicalField = keyof typeof ITEM_FIELDS;

const FEED_ALIASES: Record<string, CanonicalField> = {
  google_product_category: 'googleCategory',
  product_type: 'category',
  image_link: 'image',
  additional_image_link: 'additionalImages',
  item_group_id: 'groupId',
  shipping: 'shippingPrice',
  offer_id: 'id',
};

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const ALIASES: ReadonlyMap<string, CanonicalField> = new Map([
  ...(Object.keys(ITEM_FIELDS) as CanonicalField[]).flatMap((f): [string, CanonicalField][] => [
    [f, f],
    [snake(f), f],
  ]),
  ...Object.entries(FEED_ALIASES),
]);

/** Names offered in "did you mean" suggestions. */
export const FIELD_NAMES: readonly string[] = [...Object.keys(ITEM_FIELDS), 'attrs.<key>'];

export const ATTR_PREFIX = 'attrs.';

export interface FieldRef {
  /** Canonical name: an item field or `attrs.<key>`. */
  name: string;
  type: FieldType;
  readonly: boolean;
  nullable: boolean;
  /** Set for `attrs.<key>`. */
  attr?: string;
}

/** Maps a field name as written in a rule to its canonical form; undefined when unknown. */
export function resolveField(name: string): FieldRef | undefined {
  if (name.startsWith(ATTR_PREFIX)) {
    const attr = name.slice(ATTR_PREFIX.length);
    // `__proto__` cannot be an own key written by assignment; refusing it keeps attrs plain data.
    if (attr === '' || attr === '__proto__') return undefined;
    return { name, type: 'text', readonly: false, nullable: true, attr };
  }
  const canonical = ALIASES.get(name);
  if (canonical === undefined) return undefined;
  return { name: canonical, ...ITEM_FIELDS[canonical] };
}

export type Getter = (item: Item) => string | number | null;
export type TextGetter = (item: Item) => string;

/** The raw value: text, minor units, whole number, or null. A missing attribute is null. */
export function rawGetter(ref: FieldRef): Getter {
  const attr = ref.attr;
  // Own keys only: `attrs.constructor` must read a merchant's column, not Object.prototype's.
  if (attr !== undefined) return (item) => (Object.hasOwn(item.attrs, attr) ? (item.attrs[attr] as string) : null);
  const key = ref.name as CanonicalField;
  return (item) => item[key];
}

/** The value as text, as templates and text conditions see it; null becomes "". */
export function textGetter(ref: FieldRef): TextGetter {
  const attr = ref.attr;
  if (attr !== undefined) return (item) => (Object.hasOwn(item.attrs, attr) ? (item.attrs[attr] as string) : '');
  const key = ref.name as CanonicalField;
  if (ref.type === 'money') {
    return (item) => {
      const v = item[key] as number | null;
      return v === null ? '' : formatAmount(v, item.currency);
    };
  }
  if (ref.type === 'int') {
    return (item) => {
      const v = item[key] as number | null;
      return v === null ? '' : String(v);
    };
  }
  return (item) => (item[key] as string | null) ?? '';
}

/**
 * Writes text into a text field; "" clears it (null, or the attribute removed), so that a channel's
 * required-field check sees an emptied field as missing rather than as a blank value.
 */
export function textSetter(ref: FieldRef): (item: Item, value: string) => void {
  const attr = ref.attr;
  if (attr !== undefined) {
    return (item, value) => {
      if (value === '') delete item.attrs[attr];
      else item.attrs[attr] = value;
    };
  }
  const key = ref.name as CanonicalField;
  return (item, value) => {
    (item as unknown as Record<string, string | null>)[key] = value === '' ? null : value;
  };
}

/** Writes a number (minor units or a whole number) or null into a money or int field. */
export function numberSetter(ref: FieldRef): (item: Item, value: number | null) => void {
  const key = ref.name as CanonicalField;
  return (item, value) => {
    (item as unknown as Record<string, number | null>)[key] = value;
  };
}

export function isEmptyValue(v: string | number | null | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}
