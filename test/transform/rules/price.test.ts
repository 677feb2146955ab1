import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { run, rules, makeItem } from './helpers.js';
import { roundToGrid } from '../../../src/transform/rules/kinds/price.js';
import { mulRatio, parseDecimal, pow10, ratio } from '../../../src/transform/rules/decimal.js';

/** round(a / b) half away from zero, in BigInt: the reference every Number path must agree with. */
function refDivRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = abs / b;
  const r = abs - q * b;
  const out = 2n * r >= b ? q + 1n : q;
  return neg ? -out : out;
}

test('percent markup is exact where floats drift', () => {
  // 19.99 * 1.1 = 21.989000000000001 in floats; 1.15 * 100 = 114.99999999999999.
  assert.equal(run('- price: {percent: 10}', { price: 1999 })?.price, 2199);
  assert.equal(run('- price: {percent: 15}', { price: 100 })?.price, 115);
  assert.equal(run('- price: {percent: -7.5}', { price: 1000 })?.price, 925);
  assert.equal(run('- price: {percent: 50}', { price: 1 })?.price, 2); // 1.5 rounds half away from zero
  assert.equal(run('- price: {percent: "0.1"}', { price: 9_000_000_000_000 })?.price, 9_009_000_000_000);
});

test('sale price and shipping are adjusted only when listed and present', () => {
  const item = run('- price: {percent: 10}', { price: 1000, salePrice: 800, shippingPrice: 500 });
  assert.deepEqual([item?.price, item?.salePrice, item?.shippingPrice], [1100, 880, 500]);
  assert.equal(run('- price: {percent: 10}', { price: 1000, salePrice: null })?.salePrice, null);
  assert.equal(run('- price: {field: shipping, add: 1}', { shippingPrice: 500 })?.shippingPrice, 600);
});

test('fixed amounts follow the currency exponent', () => {
  assert.equal(run('- price: {add: 2.50}', { price: 1000 })?.price, 1250);
  assert.equal(run('- price: {add: 2.50}', { price: 1000, currency: 'JPY' })?.price, 1003);
  assert.equal(run('- price: {add: "-0.005"}', { price: 10000, currency: 'KWD' })?.price, 9995);
});

test('rounding to .99, whole units, and steps', () => {
  assert.equal(run('- price: {round: {ending: 0.99, mode: up}}', { price: 1920 })?.price, 1999);
  assert.equal(run('- price: {round: {ending: 0.99, mode: down}}', { price: 1920 })?.price, 1899);
  assert.equal(run('- price: {round: {ending: 0.99}}', { price: 1920 })?.price, 1899);
  assert.equal(run('- price: {round: {ending: 0.99}}', { price: 1960 })?.price, 1999);
  assert.equal(run('- price: {round: whole}', { price: 1950 })?.price, 2000);
  assert.equal(run('- price: {round: whole}', { price: 1949 })?.price, 1900);
  assert.equal(run('- price: {round: whole-down}', { price: 1999 })?.price, 1900);
  assert.equal(run('- price: {round: {step: 0.05, mode: nearest}}', { price: 1922 })?.price, 1920);
  assert.equal(run('- price: {round: {step: 10, ending: 9, mode: up}}', { price: 1000 })?.price, 1900);
  assert.equal(run('- price: {round: {ending: 0.99, mode: down}}', { price: 50 })?.price, 99, 'never below the first positive grid point');
});

test('percent, then add, then round, in one rule', () => {
  assert.equal(run('- price: {percent: 20, add: 1, round: {ending: 0.95, mode: up}}', { price: 1000 })?.price, 1395);
});

test('a grid finer than the currency leaves its prices as they are and counts a miss', () => {
  const r = rules('- price: {round: {ending: 0.99, mode: up}}');
  const yen = makeItem({ price: 1234, currency: 'JPY' });
  r.apply(yen);
  assert.equal(yen.price, 1234);
  assert.equal(r.counters().rules[0]?.missed, 1);
});

test('property: markup equals the exact rational result rounded once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 13 }), fc.integer({ min: -9999, max: 100_000 }), (minor, hundredths) => {
      const percent = (hundredths / 100).toFixed(2);
      const item = run(`- price: {percent: "${percent}"}`, { price: minor });
      const expected = refDivRound(BigInt(minor) * (10000n + BigInt(hundredths)), 10000n);
      assert.equal(BigInt(item?.price as number), expected);
    }),
    { numRuns: 150 },
  );
});

test('property: mulRatio agrees with BigInt on both its paths', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (v, n, d) => {
      const r = ratio(n, d);
      const expected = refDivRound(BigInt(v) * n, d);
      const got = mulRatio(v, r);
      if (expected > BigInt(Number.MAX_SAFE_INTEGER) || expected < -BigInt(Number.MAX_SAFE_INTEGER)) assert.ok(Number.isNaN(got));
      else assert.equal(BigInt(got), expected);
    }),
    { numRuns: 500 },
  );
});

test('property: rounding lands on the grid, on the right side, within one step, and is idempotent', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10 ** 12 }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.nat(),
      fc.constantFrom('up', 'down', 'nearest') as fc.Arbitrary<'up' | 'down' | 'nearest'>,
      (minor, step, e, mode) => {
        const ending = e % step;
        const out = roundToGrid(minor, step, ending, mode);
        assert.equal((((out - ending) % step) + step) % step, 0, 'on the grid');
        assert.ok(out > 0);
        if (mode === 'up') assert.ok(out >= minor && out - minor < step);
        if (mode === 'down' && out <= minor) assert.ok(minor - out < step);
        if (mode === 'down' && out > minor) assert.equal(out, ending > 0 ? ending : step);
        if (mode === 'nearest' && out !== (ending > 0 ? ending : step)) assert.ok(2 * Math.abs(out - minor) <= step);
        assert.equal(roundToGrid(out, step, ending, mode), out);
      },
    ),
    { numRuns: 500 },
  );
});

test('decimals are read from their text, not from float arithmetic', () => {
  const d = parseDecimal('19.99');
  assert.deepEqual(d, { units: 1999n, scale: 2 });
  assert.equal(pow10(3), 1000n);
});
