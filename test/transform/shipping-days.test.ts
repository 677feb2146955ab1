/**
 * Google's day counts of a shipping entry (min/max handling and transit time) go through: read from
 * a Google feed's `g:shipping` sub-elements or a TSV header that names them, kept after the price in
 * the entry's text form, written as sub-elements by Google's XML, left out of the four-part text form
 * of Google's TSV and Meta's CSV. Before, an XML source's transit times were dropped without a word.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { firstShippingPrice, shippingFromParts } from '../../src/model.js';
import { checkShippingText, parseShippingEntry, shippingMarkup, shippingText } from '../../src/transform/channels/shipping.js';
import { shippingRateFor } from '../../src/transform/rules/kinds/shipping.js';
import { cli } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { run } from './rules/helpers.js';

test('an entry with day counts: parsed, checked, written as sub-elements in XML and as four parts in text', () => {
  const text = shippingFromParts(new Map([['country', 'FR'], ['price', '4.95 EUR'], ['min_transit_time', '2'], ['max_transit_time', '4']]));
  assert.equal(text, 'FR:::4.95 EUR:::2:4');
  assert.equal(shippingFromParts(new Map([['country', 'FR'], ['price', '4.95 EUR']])), 'FR:::4.95 EUR', 'no day count, four parts');
  assert.equal(firstShippingPrice(`${text},BE:::6.95 EUR`), '4.95 EUR');

  const e = parseShippingEntry('fr::Colissimo:4,95:1:2:02:4', 'EUR');
  assert.ok(typeof e !== 'string');
  assert.deepEqual(e, { country: 'FR', region: '', service: 'Colissimo', price: '4.95 EUR', days: ['1', '2', '2', '4'] });
  assert.equal(
    shippingMarkup(e, 'g:'),
    '<g:country>FR</g:country><g:service>Colissimo</g:service><g:price>4.95 EUR</g:price><g:min_handling_time>1</g:min_handling_time><g:max_handling_time>2</g:max_handling_time><g:min_transit_time>2</g:min_transit_time><g:max_transit_time>4</g:max_transit_time>',
  );
  assert.equal(shippingText(e), 'FR::Colissimo:4.95 EUR');
  assert.equal(checkShippingText('FR:::4.95 EUR:1:2:2:4'), null);

  // Day counts are whole numbers, a minimum not above its maximum; other part counts are refused.
  for (const bad of ['FR:::4.95 EUR:1:2:5:4', 'FR:::4.95 EUR:x:::', 'FR:::4.95 EUR:1.5:2::', 'FR:::4.95 EUR:1:2', 'FR:::4.95 EUR:::::']) {
    assert.equal(parseShippingEntry(bad, 'EUR'), 'invalid_shipping', bad);
    assert.equal(checkShippingText(bad), 'invalid_shipping', bad);
  }
  assert.deepEqual(parseShippingEntry('FR:::4.95 EUR::::', 'EUR'), { country: 'FR', region: '', service: '', price: '4.95 EUR' }, 'empty day counts are none');
});

test('the shipping and convert rules read the price of an entry with day counts, and keep the counts', () => {
  const entries = 'FR:::3.90 EUR:1:2:1:3,DE:::5.90 EUR:::2:5';
  assert.equal(shippingRateFor(entries, 'DE', 'EUR'), 590);
  const item = run('- convert: {to: CHF, rates: {EUR: "0.95"}}', { price: 1000, currency: 'EUR', attrs: { shipping: entries } });
  assert.equal(item?.attrs.shipping, 'FR:::3.71 CHF:1:2:1:3,DE:::5.61 CHF:::2:5');
});

test('a Google feed with transit times keeps them in the Google XML feed, which validates; TSV and Meta write four parts', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  writeFileSync(
    env.path('feed.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Shop</title><link>https://s.example</link><description>d</description>
<item><g:id>M1</g:id><g:title>Mug</g:title><g:description>Blue mug</g:description><g:link>https://s.example/m1</g:link>
<g:image_link>https://s.example/m1.jpg</g:image_link><g:price>9.90 EUR</g:price><g:availability>in stock</g:availability><g:brand>Acme</g:brand>
<g:shipping><g:country>FR</g:country><g:service>Colissimo</g:service><g:price>4.95 EUR</g:price><g:min_handling_time>0</g:min_handling_time><g:max_handling_time>1</g:max_handling_time><g:min_transit_time>2</g:min_transit_time><g:max_transit_time>3</g:max_transit_time></g:shipping>
<g:shipping><g:country>BE</g:country><g:price>6.95 EUR</g:price></g:shipping>
</item></channel></rss>
`,
  );
  const out = env.path('out');
  const r = await cli(['run', env.path('feed.xml'), '--channels', 'google-shopping,google-shopping-tsv,meta', '--out', out, ...dirs]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const xml = readFileSync(join(out, 'google-shopping.xml'), 'utf8');
  assert.deepEqual(xml.match(/<g:shipping>.*<\/g:shipping>/g), [
    '<g:shipping><g:country>FR</g:country><g:service>Colissimo</g:service><g:price>4.95 EUR</g:price><g:min_handling_time>0</g:min_handling_time><g:max_handling_time>1</g:max_handling_time><g:min_transit_time>2</g:min_transit_time><g:max_transit_time>3</g:max_transit_time></g:shipping>',
    '<g:shipping><g:country>BE</g:country><g:price>6.95 EUR</g:price></g:shipping>',
  ]);
  const lint = spawnSync('xmllint', ['--noout', join(out, 'google-shopping.xml')], { encoding: 'utf8' });
  if (lint.error === undefined) assert.equal(lint.status, 0, lint.stderr);
  const v = await cli(['validate', join(out, 'google-shopping.xml'), '--channel', 'google-shopping', '--json']);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.ok(!v.stdout.includes('shipping'), v.stdout);

  const tsv = parse(readFileSync(join(out, 'google-shopping.tsv')), { columns: true, delimiter: '\t', quote: false }) as Record<string, string>[];
  assert.equal(tsv[0]?.shipping, 'FR::Colissimo:4.95 EUR,BE:::6.95 EUR');
  const meta = parse(readFileSync(join(out, 'meta.csv')), { columns: true }) as Record<string, string>[];
  assert.equal(meta[0]?.shipping, 'FR::Colissimo:4.95 EUR,BE:::6.95 EUR');

  // A Google TSV whose header names the day counts gives the same entries.
  writeFileSync(
    env.path('feed.tsv'),
    'id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tbrand\tshipping(country:price:min_transit_time:max_transit_time)\n' +
      'T1\tLamp\tDesk lamp\thttps://s.example/t1\thttps://s.example/t1.jpg\tin stock\t25.00 EUR\tAcme\tFR:4.95 EUR:1:2\n',
  );
  const r2 = await cli(['run', env.path('feed.tsv'), '--catalog', 'tsv', '--channels', 'google-shopping', '--out', env.path('out2'), ...dirs]);
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.match(
    readFileSync(join(env.path('out2'), 'google-shopping.xml'), 'utf8'),
    /<g:shipping><g:country>FR<\/g:country><g:price>4.95 EUR<\/g:price><g:min_transit_time>1<\/g:min_transit_time><g:max_transit_time>2<\/g:max_transit_time><\/g:shipping>/,
  );
});
