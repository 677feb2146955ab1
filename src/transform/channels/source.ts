/**
 * Where a channel field takes its value: a canonical item field (`title`), an attribute
 * (`attrs.hotel_id`) or a small template (`{brand} {title}`). Each is compiled once into a getter
 * with a constant property name, so the per-item call is a monomorphic property load.
 */
import type { Item, ItemField } from '../item.js';

export type RawValue = string | number | null | undefined;
export type Getter = (item: Item) => RawValue;

/** One getter per canonical field, written out so that each property access is static. */
const FIELD_GETTERS: { readonly [K in ItemField]: Getter } = {
  oid: (i) => i.oid,
  id: (i) => i.id,
  groupId: (i) => i.groupId,
  productKey: (i) => i.productKey,
  title: (i) => i.title,
  description: (i) => i.description,
  brand: (i) => i.brand,
  category: (i) => i.category,
  googleCategory: (i) => i.googleCategory,
  link: (i) => i.link,
  image: (i) => i.image,
  additionalImages: (i) => i.additionalImages,
  price: (i) => i.price,
  salePrice: (i) => i.salePrice,
  currency: (i) => i.currency,
  availability: (i) => i.availability,
  quantity: (i) => i.quantity,
  gtin: (i) => i.gtin,
  mpn: (i) => i.mpn,
  condition: (i) => i.condition,
  color: (i) => i.color,
  size: (i) => i.size,
  gender: (i) => i.gender,
  ageGroup: (i) => i.ageGroup,
  material: (i) => i.material,
  shippingPrice: (i) => i.shippingPrice,
  departureDate: (i) => i.departureDate,
  nights: (i) => i.nights,
  room: (i) => i.room,
  board: (i) => i.board,
  seats: (i) => i.seats,
  line: (i) => i.line,
};

const ATTR_PREFIX = 'attrs.';
const ATTR_KEY = /^attrs\.[A-Za-z0-9_.:-]{1,100}$/;

export function sourceNames(): string[] {
  return [...Object.keys(FIELD_GETTERS), 'attrs.<key>'];
}

export function isKnownSource(name: string): boolean {
  return Object.hasOwn(FIELD_GETTERS, name) || ATTR_KEY.test(name);
}

/** The item fields that hold minor units of the item currency. */
export const MONEY_FIELDS: ReadonlySet<string> = new Set(['price', 'salePrice', 'shippingPrice']);

export function compileSource(name: string): Getter {
  if (Object.hasOwn(FIELD_GETTERS, name)) return FIELD_GETTERS[name as ItemField];
  const key = name.slice(ATTR_PREFIX.length);
  return (item) => item.attrs[key];
}

/** The first non-empty of several sources (`[salePrice, price]`). */
export function compileSources(names: readonly string[]): Getter {
  const getters = names.map(compileSource);
  const [first, second] = getters;
  if (getters.length === 1 && first !== undefined) return first;
  if (getters.length === 2 && first !== undefined && second !== undefined) {
    return (item) => {
      const v = first(item);
      return v === null || v === undefined || v === '' ? second(item) : v;
    };
  }
  return (item) => {
    for (const g of getters) {
      const v = g(item);
      if (v !== null && v !== undefined && v !== '') return v;
    }
    return undefined;
  };
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.:-]*)\}/g;

export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/**
 * Compiles `{brand} {title}` into a getter: literal parts and getters alternate. An empty
 * placeholder contributes nothing; when every placeholder is empty the value is missing (so that
 * `{brand} {title}` on an item with neither is not a lone space).
 */
export function compileTemplate(template: string): Getter {
  const literals: string[] = [];
  const getters: Getter[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, m.index));
    getters.push(compileSource(m[1] as string));
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  const n = getters.length;
  return (item) => {
    let out = '';
    let any = false;
    for (let i = 0; i < n; i++) {
      out += literals[i] as string;
      const v = (getters[i] as Getter)(item);
      if (v !== null && v !== undefined && v !== '') {
        out += v;
        any = true;
      }
    }
    return any ? out + tail : undefined;
  };
}
