import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { run, rules, makeItem } from './helpers.js';

test('converts every money field and sets the currency', () => {
  const item = run('- convert: {to: USD, rates: {EUR: "1.0843"}}', { price: 1999, salePrice: 1499, shippingPrice: 495 });
  // 19.99 × 1.0843 = 21.675157 → 21.68; 14.99 × 1.0843 = 16.253657 → 16.25; 4.95 × 1.0843 = 5.367285 → 5.37
  assert.deepEqual([item?.price, item?.salePrice, item?.shippingPrice, item?.currency], [2168, 1625, 537, 'USD']);
});

test('exponents of both currencies are honoured', () => {
  assert.equal(run('- convert: {to: EUR, rates: {JPY: "0.0061"}}', { price: 1000, currency: 'JPY' })?.price, 610);
  assert.equal(run('- convert: {to: JPY, rates: {EUR: "163.9"}}', { price: 1999 })?.price, 3276);
  assert.equal(run('- convert: {to: KWD, rates: {EUR: "0.333"}}', { price: 1000 })?.price, 3330);
});

test('items already in the target currency are untouched', () => {
  const item = run('- convert: {to: EUR, rates: {USD: "0.9"}}', { price: 1234 });
  assert.deepEqual([item?.price, item?.currency], [1234, 'EUR']);
});

test('a currency without a rate drops the item by default, or keeps it and counts a miss', () => {
  assert.equal(run('- convert: {to: USD, rates: {GBP: "1.27"}}', { price: 100 }), null);
  const r = rules('- convert: {to: USD, rates: {GBP: "1.27"}, onMissingRate: keep}');
  const item = makeItem({ price: 100 });
  assert.equal(r.apply(item), true);
  assert.deepEqual([item.price, item.currency], [100, 'EUR']);
  assert.equal(r.counters().rules[0]?.missed, 1);
});

test('property: conversion equals the exact product rounded once, half away from zero', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 1, max: 10 ** 9 }), (minor, rate6) => {
      const rate = (rate6 / 10 ** 6).toFixed(6);
      const item = run(`- convert: {to: USD, rates: {EUR: "${rate}"}}`, { price: minor });
      const p = BigInt(minor) * BigInt(rate6);
      const q = p / 1_000_000n;
      const expected = (p % 1_000_000n) * 2n >= 1_000_000n ? q + 1n : q;
      assert.equal(BigInt(item?.price as number), expected);
    }),
    { numRuns: 150 },
  );
});

test('shipping entries from the source are converted with the prices, so that channels do not drop them as another currency', () => {
  const item = run('- convert: {to: CHF, rates: {EUR: "0.94"}}', {
    price: 1000,
    shippingPrice: 390,
    attrs: { shipping: 'FR:::3.90 EUR,DE::Standard:5,90,BE:::abc,IT:::2.00 USD' },
  });
  // 3.90 × 0.94 = 3.666 → 3.67; 5.90 (a bare amount, in the item's currency) → 5.546 → 5.55. What
  // cannot be read in EUR stays as written, for the channel to report.
  assert.equal(item?.attrs.shipping, 'FR:::3.67 CHF,DE::Standard:5.55 CHF,BE:::abc,IT:::2.00 USD');
  assert.deepEqual([item?.price, item?.shippingPrice, item?.currency], [940, 367, 'CHF']);
  assert.equal(run('- convert: {to: CHF, rates: {EUR: "0.94"}}', { attrs: { shipping: '4.00' } })?.attrs.shipping, '3.76 CHF');
});
