import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shippingRateFor } from '../../../src/transform/rules/kinds/shipping.js';
import { FeedmillError } from '../../../src/errors.js';
import { run, rules, makeItem } from './helpers.js';

const ENTRIES = 'FR:::3.90 EUR,DE:02*:Express:12.00 EUR,DE::Standard:5.90 EUR,:::7.50 EUR';

test("the country's nationwide entry wins, then its regional one, then an entry without a country", () => {
  assert.equal(shippingRateFor(ENTRIES, 'DE', 'EUR'), 590);
  assert.equal(shippingRateFor(ENTRIES, 'FR', 'EUR'), 390);
  assert.equal(shippingRateFor('FR:::3.90 EUR,DE:02*:Express:12.00 EUR', 'DE', 'EUR'), 1200);
  assert.equal(shippingRateFor(ENTRIES, 'IT', 'EUR'), 750);
  assert.equal(shippingRateFor('FR:::3.90 EUR', 'IT', 'EUR'), undefined);
  // Country codes in either case; a decimal comma stays inside its entry; a bare amount is in the item's currency.
  assert.equal(shippingRateFor('fr:::3.90 EUR,de:::4,95 EUR', 'DE', 'EUR'), 495);
  assert.equal(shippingRateFor('DE:::6', 'DE', 'EUR'), 600);
  assert.equal(shippingRateFor('4.00', 'DE', 'EUR'), 400, 'a bare amount applies anywhere');
  // Another currency, a malformed entry or a negative price is skipped, never guessed.
  assert.equal(shippingRateFor('DE:::5.00 USD,:::8.00 EUR', 'DE', 'EUR'), 800);
  assert.equal(shippingRateFor('DE:5.00 EUR,DE:::abc', 'DE', 'EUR'), undefined);
  assert.equal(shippingRateFor('DE:::-1 EUR', 'DE', 'EUR'), undefined);
});

test("sets the shipping price to the country's rate, where the ingest had taken the first entry's", () => {
  const item = run('- shipping: {country: de}', { shippingPrice: 390, attrs: { shipping: ENTRIES } });
  assert.equal(item?.shippingPrice, 590);
  assert.equal(item?.attrs.shipping, ENTRIES, 'the entries stay for the channels that write them all');
  const r = rules('- shipping: {country: DE}');
  const same = makeItem({ shippingPrice: 590, attrs: { shipping: ENTRIES } });
  r.apply(same);
  assert.deepEqual(r.counters().rules[0], { ...r.counters().rules[0], applied: 1, changed: 0, missed: 0 });
});

test('an item with a shipping price and no entries keeps it: that price names no country', () => {
  assert.equal(run('- shipping: {country: DE}', { shippingPrice: 495 })?.shippingPrice, 495);
});

test('no entry for the country: the price is cleared by default, or kept, or the item dropped; each counts a miss', () => {
  const only = { shippingPrice: 390, attrs: { shipping: 'FR:::3.90 EUR,BE:::4.90 EUR' } };
  const r = rules('- shipping: {country: DE}');
  const item = makeItem(only);
  assert.equal(r.apply(item), true);
  assert.equal(item.shippingPrice, null);
  assert.equal(r.counters().rules[0]?.missed, 1);
  assert.equal(run('- shipping: {country: DE, onMissing: keep}', only)?.shippingPrice, 390);
  assert.equal(run('- shipping: {country: DE, onMissing: drop}', only), null);
});

test('a bad country or option is refused when the rules are read, with the path', () => {
  for (const [yaml, path] of [
    ['- shipping: {country: DEU}', 'all[0].shipping.country'],
    ['- shipping: {}', 'all[0].shipping.country'],
    ['- shipping: {country: DE, onMissing: ignore}', 'all[0].shipping.onMissing'],
    ['- shipping: {country: DE, rate: 1}', 'all[0].shipping.rate'],
  ] as const) {
    assert.throws(() => rules(yaml), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_RULES_INVALID' && e.message.includes(path), yaml);
  }
});
