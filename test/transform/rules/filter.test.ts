import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kept, rules, makeItem } from './helpers.js';

test('drop on equals, keep on in', () => {
  assert.deepEqual(kept('- drop: {field: availability, equals: out_of_stock}', [{ availability: 'out_of_stock' }, { availability: 'in_stock' }]), [false, true]);
  assert.deepEqual(kept('- keep: {field: brand, in: [Acme, Zeta]}', [{ brand: 'Acme' }, { brand: 'Other' }, { brand: null }]), [true, false, false]);
});

test('ignoreCase applies to equals, in, contains and matches', () => {
  const items = [{ title: 'RED Shirt' }, { title: 'blue shirt' }];
  assert.deepEqual(kept('- keep: {field: title, contains: red, ignoreCase: true}', items), [true, false]);
  assert.deepEqual(kept('- keep: {field: title, contains: red}', items), [false, false]);
  assert.deepEqual(kept('- keep: {field: brand, equals: acme, ignoreCase: true}', [{ brand: 'ACME' }, { brand: 'acmex' }]), [true, false]);
  assert.deepEqual(kept('- keep: {field: title, matches: "^blue", ignoreCase: true}', [{ title: 'Blue' }, { title: 'a blue' }]), [true, false]);
});

test('matches is not stateful across items (no global flag)', () => {
  const r = rules('- keep: {field: title, matches: "shirt"}');
  for (let i = 0; i < 5; i++) assert.equal(r.apply(makeItem({ title: 'shirt' })), true);
});

test('money comparisons are exact in minor units of each item currency', () => {
  const yaml = '- keep: {field: price, gte: 19.99}';
  assert.deepEqual(kept(yaml, [{ price: 1999 }, { price: 1998 }, { price: 2000 }]), [true, false, true]);
  // JPY has no minor digits: 19.99 JPY lies between 19 and 20.
  assert.deepEqual(kept(yaml, [{ price: 19, currency: 'JPY' }, { price: 20, currency: 'JPY' }]), [false, true]);
  // KWD has three: 19.99 is 19990.
  assert.deepEqual(kept(yaml, [{ price: 19989, currency: 'KWD' }, { price: 19990, currency: 'KWD' }]), [false, true]);
  assert.deepEqual(kept('- drop: {field: price, lt: 0.1}', [{ price: 9 }, { price: 10 }]), [false, true]);
  assert.deepEqual(kept('- keep: {field: sale_price, lte: 10}', [{ salePrice: 1000 }, { salePrice: 1001 }, { salePrice: null }]), [true, false, false]);
  assert.deepEqual(kept('- keep: {field: price, gt: "19.5"}', [{ price: 1950 }, { price: 1951 }]), [false, true]);
  assert.deepEqual(kept('- keep: {field: price, equals: 19.99}', [{ price: 1999 }, { price: 19990, currency: 'KWD' }, { price: 1998 }]), [true, true, false]);
  assert.deepEqual(kept('- keep: {field: price, in: [5, "9.99"]}', [{ price: 500 }, { price: 999 }, { price: 501 }]), [true, true, false]);
});

test('numeric comparisons on whole-number fields and on attributes', () => {
  assert.deepEqual(kept('- keep: {field: quantity, gt: 0}', [{ quantity: 1 }, { quantity: 0 }, { quantity: null }]), [true, false, false]);
  assert.deepEqual(
    kept('- keep: {field: attrs.weight_kg, lt: 2.5}', [{ attrs: { weight_kg: '2,4' } }, { attrs: { weight_kg: '2.5' } }, { attrs: { weight_kg: 'heavy' } }, {}]),
    [true, false, false, false],
  );
  assert.deepEqual(kept('- keep: {field: nights, in: [7, 14]}', [{ nights: 7 }, { nights: 10 }]), [true, false]);
});

test('empty: true matches missing, blank and whitespace; false the opposite', () => {
  const items = [{ gtin: null }, { gtin: '' }, { gtin: '  ' }, { gtin: '4006381333931' }];
  assert.deepEqual(kept('- drop: {field: gtin, empty: true}', items), [false, false, false, true]);
  assert.deepEqual(kept('- keep: {field: gtin, empty: false}', items), [false, false, false, true]);
  assert.deepEqual(kept('- drop: {field: attrs.colour, empty: true}', [{ attrs: { colour: 'red' } }, {}]), [true, false]);
});

test('all / any / not combine, and several tests in one leaf mean all of them', () => {
  const yaml = `
- keep:
    any:
      - all: [{field: brand, equals: Acme}, {not: {field: price, gt: 100}}]
      - {field: quantity, gte: 10, lte: 20}
`;
  assert.deepEqual(
    kept(yaml, [
      { brand: 'Acme', price: 5000 },
      { brand: 'Acme', price: 10001 },
      { brand: 'Zeta', quantity: 15 },
      { brand: 'Zeta', quantity: 25 },
    ]),
    [true, false, true, false],
  );
});

test('a drop stops the rules that follow and is counted against the filter', () => {
  const r = rules(`
- name: cheap
  drop: {field: price, lt: 5}
- set: {field: brand, value: X}
`);
  const cheap = makeItem({ price: 100 });
  assert.equal(r.apply(cheap), false);
  assert.equal(cheap.brand, null);
  assert.equal(r.apply(makeItem()), true);
  assert.deepEqual(r.dropReasons, { 'all[0] cheap': 1 });
  const c = r.counters();
  assert.equal(c.items, 2);
  assert.equal(c.dropped, 1);
  assert.equal(c.rules[1]?.applied, 1);
});

test('when limits a filter to the items it matches', () => {
  const yaml = '- when: {field: brand, equals: Acme}\n  drop: {field: price, lt: 10}';
  assert.deepEqual(kept(yaml, [{ brand: 'Acme', price: 500 }, { brand: 'Zeta', price: 500 }]), [false, true]);
});

test('attrs keys are read as own keys only', () => {
  assert.deepEqual(kept('- keep: {field: attrs.constructor, empty: true}', [{}]), [true]);
  assert.deepEqual(kept('- keep: {field: attrs.toString, empty: false}', [{}, { attrs: { toString: 'x' } }]), [false, true]);
});
