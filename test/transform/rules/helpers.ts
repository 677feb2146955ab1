import { compileRules, parseRuleSet, type CompiledRules } from '../../../src/transform/rules/index.js';
import type { Item } from '../../../src/transform/item.js';

/** A complete item with neutral defaults; tests override what they look at. */
export function makeItem(over: Partial<Item> = {}): Item {
  return {
    oid: 1,
    id: 'sku-1',
    groupId: null,
    productKey: null,
    title: 'Hoodie',
    description: null,
    brand: null,
    category: null,
    googleCategory: null,
    link: 'https://shop.example/p/1',
    image: null,
    additionalImages: null,
    price: 1999,
    salePrice: null,
    currency: 'EUR',
    availability: 'in_stock',
    quantity: null,
    gtin: null,
    mpn: null,
    condition: null,
    color: null,
    size: null,
    gender: null,
    ageGroup: null,
    material: null,
    shippingPrice: null,
    departureDate: null,
    nights: null,
    room: null,
    board: null,
    seats: null,
    line: 2,
    ...over,
    attrs: { ...(over.attrs ?? {}) },
  };
}

/** Compiles YAML rules (read as the `all` section when given as a list) for channel `test`. */
export function rules(yaml: string, channel = 'test'): CompiledRules {
  return compileRules(parseRuleSet(yaml, { format: 'yaml' }), channel);
}

/** Runs the rules on one item; returns the changed item, or null when it was dropped. */
export function run(yaml: string, over: Partial<Item> = {}): Item | null {
  const item = makeItem(over);
  return rules(yaml).apply(item) ? item : null;
}

/** Runs the rules and tells whether each item was kept. */
export function kept(yaml: string, items: Partial<Item>[]): boolean[] {
  const r = rules(yaml);
  return items.map((over) => r.apply(makeItem(over)));
}
