/**
 * What a Google feed source carries goes through. Shipping entries: a Google feed loaded as the source keeps every `g:shipping` entry
 * (country, region or postal code, service, price) in the Google XML, Google TSV and Meta feeds it
 * becomes, and an item with only a shipping price gets one entry for the feed's target country.
 * Before, the Google and Meta feeds carried no shipping at all: a Google feed passed through
 * feedmill lost its shipping rates, and Merchant Center fell back to the account's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { compileChannel, loadChannel, parseChannelDefinition } from '../../src/transform/index.js';
import { compileRules, parseRuleSet } from '../../src/transform/rules/index.js';
import { firstShippingPrice, shippingEntries } from '../../src/model.js';
import { cli } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { merchantItem } from './channels/items.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/profiles/google-feed/${name}`, import.meta.url));

test('a Google RSS feed keeps its shipping entries through the Google XML, Google TSV and Meta feeds, which validate clean', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const out = env.path('out');
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  const run = await cli(['run', fixture('rss.xml'), '--channels', 'google-shopping,google-shopping-tsv,meta', '--out', out, '--json', ...dirs]);
  assert.equal(run.code, 0, run.stdout + run.stderr);

  const xml = readFileSync(join(out, 'google-shopping.xml'), 'utf8');
  const tv = xml.slice(xml.indexOf('<g:id>TV-55</g:id>'), xml.indexOf('</item>', xml.indexOf('<g:id>TV-55</g:id>')));
  assert.deepEqual(tv.match(/<g:shipping>.*<\/g:shipping>/g), [
    '<g:shipping><g:country>US</g:country><g:region>CA</g:region><g:service>Overnight</g:service><g:price>16.00 USD</g:price></g:shipping>',
    '<g:shipping><g:country>US</g:country><g:service>Standard</g:service><g:price>0.00 USD</g:price></g:shipping>',
  ]);
  // The source's other Google attributes go through as well (campaign labels).
  assert.match(tv, /<g:custom_label_0>black-friday<\/g:custom_label_0>/);
  const lint = spawnSync('xmllint', ['--noout', join(out, 'google-shopping.xml')], { encoding: 'utf8' });
  if (lint.error === undefined) assert.equal(lint.status, 0, lint.stderr);

  const tsv = parse(readFileSync(join(out, 'google-shopping.tsv')), { columns: true, delimiter: '\t', quote: false }) as Record<string, string>[];
  assert.equal(tsv.find((r) => r.id === 'TV-55')?.shipping, 'US:CA:Overnight:16.00 USD,US::Standard:0.00 USD');
  const meta = parse(readFileSync(join(out, 'meta.csv')), { columns: true }) as Record<string, string>[];
  assert.equal(meta.find((r) => r.id === 'TV-55')?.shipping, 'US:CA:Overnight:16.00 USD,US::Standard:0.00 USD');
  assert.equal(meta.find((r) => r.id === 'TV-55')?.custom_label_0, 'black-friday');

  for (const [file, channel] of [['google-shopping.xml', 'google-shopping'], ['google-shopping.tsv', 'google-shopping-tsv'], ['meta.csv', 'meta']] as const) {
    const v = await cli(['validate', join(out, file), '--channel', channel, '--json']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.ok(!v.stdout.includes('shipping'), `${channel}: ${v.stdout}`);
  }
});

test('a Google TSV feed with several entries in one cell; an item with a shipping price alone gets one entry', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const out = env.path('out');
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  const run = await cli(['run', fixture('products.tsv'), '--channels', 'google-shopping', '--out', out, ...dirs]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const xml = readFileSync(join(out, 'google-shopping.xml'), 'utf8');
  assert.match(xml, /<g:shipping><g:country>FR<\/g:country><g:service>Standard<\/g:service><g:price>4.95 EUR<\/g:price><\/g:shipping>\n {2}<g:shipping><g:country>BE<\/g:country><g:service>Standard<\/g:service><g:price>6.95 EUR<\/g:price><\/g:shipping>/);

  // A shop's own CSV in Google's text form: the country and service stay with the price.
  writeFileSync(env.path('shop.csv'), 'id,title,description,price,availability,link,image_link,brand,shipping\nS1,Mug,Blue mug,9.90,in stock,https://s.example/s1,https://s.example/s1.jpg,Acme,"BE:::7.50 EUR,FR::Relais:3.90 EUR"\n');
  const shop = await cli(['run', env.path('shop.csv'), '--profile', 'generic', '--catalog', 'shop', '--channels', 'google-shopping', '--out', env.path('shop-out'), ...dirs]);
  assert.equal(shop.code, 0, shop.stdout + shop.stderr);
  assert.match(
    readFileSync(join(env.path('shop-out'), 'google-shopping.xml'), 'utf8'),
    /<g:shipping><g:country>BE<\/g:country><g:price>7.50 EUR<\/g:price><\/g:shipping>\n {2}<g:shipping><g:country>FR<\/g:country><g:service>Relais<\/g:service><g:price>3.90 EUR<\/g:price><\/g:shipping>/,
  );

  // Google's sub-attribute header: the cells hold only the parts it names, in its order.
  writeFileSync(env.path('sub.tsv'), 'id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tbrand\tshipping(country:service:price)\nT1\tLamp\tDesk lamp\thttps://s.example/t1\thttps://s.example/t1.jpg\tin stock\t25.00 EUR\tAcme\tFR:Standard:4.95 EUR,BE:Express:9.90 EUR\n');
  const sub = await cli(['run', env.path('sub.tsv'), '--catalog', 'sub', '--channels', 'google-shopping', '--out', env.path('sub-out'), ...dirs]);
  assert.equal(sub.code, 0, sub.stdout + sub.stderr);
  assert.match(
    readFileSync(join(env.path('sub-out'), 'google-shopping.xml'), 'utf8'),
    /<g:shipping><g:country>FR<\/g:country><g:service>Standard<\/g:service><g:price>4.95 EUR<\/g:price><\/g:shipping>\n {2}<g:shipping><g:country>BE<\/g:country><g:service>Express<\/g:service><g:price>9.90 EUR<\/g:price><\/g:shipping>/,
  );

  const google = compileChannel(loadChannel('google-shopping'));
  const r = google.render(merchantItem({ shippingPrice: 590, currency: 'CHF', attrs: {} }));
  assert.ok(r.ok);
  assert.match(r.text, /<g:shipping><g:price>5.90 CHF<\/g:price><\/g:shipping>/);

  // The same text or shipping price on consecutive items of two currencies: each gets its own.
  for (const attrs of [{ shipping: 'FR:::4.95' }, {}] as Record<string, string>[]) {
    const eur = google.render(merchantItem({ shippingPrice: 495, currency: 'EUR', attrs }));
    const chf = google.render(merchantItem({ shippingPrice: 495, currency: 'CHF', attrs }));
    assert.ok(eur.ok && chf.ok);
    assert.match(eur.text, /<g:price>4.95 EUR<\/g:price><\/g:shipping>/);
    assert.match(chf.text, /<g:price>4.95 CHF<\/g:price><\/g:shipping>/);
  }

  // identifier_exists for items with neither GTIN nor MPN, by the rule docs/rules.md shows.
  const noIds = compileRules(
    parseRuleSet('all:\n  - when: { all: [{ field: gtin, empty: true }, { field: mpn, empty: true }] }\n    set: { field: attrs.identifier_exists, value: "no" }\n', { format: 'yaml' }),
    'google-shopping',
  );
  const custom = merchantItem({ gtin: null, mpn: null, attrs: {} });
  const branded = merchantItem({ attrs: {} });
  assert.equal(noIds.apply(custom) && noIds.apply(branded), true);
  assert.match((google.render(custom) as { text: string }).text, /<g:identifier_exists>no<\/g:identifier_exists>/);
  assert.doesNotMatch((google.render(branded) as { text: string }).text, /identifier_exists/);

  // A country and a service for that price, by the rule docs/channels.md shows.
  const rules = compileRules(parseRuleSet('channels:\n  google-shopping: [{set: {field: attrs.shipping, template: "FR::Colissimo:{shippingPrice}"}}]\n', { format: 'yaml' }), 'google-shopping');
  const item = merchantItem({ shippingPrice: 590, attrs: {} });
  assert.equal(rules.apply(item), true);
  const ruled = google.render(item);
  assert.ok(ruled.ok);
  assert.match(ruled.text, /<g:shipping><g:country>FR<\/g:country><g:service>Colissimo<\/g:service><g:price>5.90 EUR<\/g:price><\/g:shipping>/);
});

test('entries split where a new one starts: a decimal comma stays in its price; an offer takes the first entry\'s price', () => {
  assert.deepEqual(shippingEntries('FR:::4,95 EUR,BE:::7.50 EUR, :::0 EUR'), ['FR:::4,95 EUR', 'BE:::7.50 EUR', ' :::0 EUR']);
  assert.equal(firstShippingPrice('BE:::7.50 EUR,FR::Relais:3.90 EUR'), '7.50 EUR');
  assert.equal(firstShippingPrice('4,95'), '4,95');
  const google = compileChannel(loadChannel('google-shopping'));
  const r = google.render(merchantItem({ attrs: { shipping: 'FR:::4,95 EUR,BE:::7,50' } }));
  assert.ok(r.ok);
  assert.deepEqual(r.warnings, []);
  assert.match(r.text, /<g:country>FR<\/g:country><g:price>4.95 EUR<\/g:price><\/g:shipping>\n {2}<g:shipping><g:country>BE<\/g:country><g:price>7.50 EUR<\/g:price>/);
});

test('shipping entries: bad ones are dropped with their reason, the rest stand; validate finds bad entries in a feed', async (t) => {
  const meta = compileChannel(loadChannel('meta'));
  const r = meta.render(merchantItem({ attrs: { shipping: 'FRA:::4.95 EUR,DE:::4.95 USD,DE:Berlin:Express:9.90,:::abc' } }));
  assert.ok(r.ok);
  assert.match(r.text, /,DE:Berlin:Express:9\.90 EUR$/m);
  assert.deepEqual(
    r.warnings.map((w) => `${w.field}:${w.reason}`),
    ['shipping:invalid_shipping', 'shipping:invalid_currency', 'shipping:invalid_price'],
  );
  // A definition cannot give a shipping field attributes: its XML value is sub-elements.
  assert.throws(
    () => parseChannelDefinition({ name: 't', title: 'T', spec: 'https://example.org/', format: 'xml', fileName: 't.xml', xml: { header: '<r>', item: 'i', footer: '</r>' }, fields: [{ name: 's', source: 'attrs.shipping', kind: 'shipping', attributes: { a: '{id}' } }] }, 'inline'),
    /sub-elements, not attributes/,
  );

  const env = testEnv();
  t.after(() => env.cleanup());
  const feed = env.path('bad.csv');
  const header = 'id,title,description,availability,condition,price,link,image_link,brand,shipping\n';
  writeFileSync(feed, `${header}A,T,D,in stock,new,10.00 EUR,https://s.example/a,https://s.example/a.jpg,B,"FRANCE:::4.95 EUR,FR:::4.95"\n`);
  const v = await cli(['validate', feed, '--channel', 'meta', '--json']);
  const report = JSON.parse(v.stdout) as { warnings?: unknown; quality?: unknown };
  assert.match(JSON.stringify(report), /"field":"shipping","reason":"invalid_shipping"/);
  assert.match(JSON.stringify(report), /"field":"shipping","reason":"invalid_price"/);
});

test('a shipping rule per channel gives idealo.de the German rate and Kelkoo France the French one, from the same entries', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('shop.csv'), [
    'id,title,description,link,image_link,price,brand,product_type,shipping',
    'S1,Sac,Cuir,https://s.example/s1,https://s.example/s1.jpg,49.00,Acme,Mode > Sacs,"FR:::3.90 EUR,DE:::5.90 EUR"',
    'S2,Ceinture,Cuir,https://s.example/s2,https://s.example/s2.jpg,19.00,Acme,Mode > Ceintures,FR::Relais:2.50 EUR',
    'S3,Gants,Laine,https://s.example/s3,https://s.example/s3.jpg,15.00,Acme,Mode > Gants,4.00',
    '',
  ].join('\n'));
  writeFileSync(env.path('rules.yaml'), 'channels:\n  idealo: [{shipping: {country: DE}}]\n  kelkoo: [{shipping: {country: FR}}]\n');
  const out = env.path('out');
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  const run = await cli(['run', env.path('shop.csv'), '--channels', 'idealo,kelkoo', '--rules', env.path('rules.yaml'), '--currency', 'EUR', '--out', out, '--json', ...dirs]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const idealo = parse(readFileSync(join(out, 'idealo.csv')), { columns: true }) as Record<string, string>[];
  // S2 ships to France only: no German rate, so no delivery cost rather than the French one.
  assert.deepEqual(idealo.map((r) => [r.sku, r.deliveryCosts_dhl]), [['S1', '5.90'], ['S2', ''], ['S3', '4.00']]);
  const kelkoo = readFileSync(join(out, 'kelkoo.xml'), 'utf8');
  assert.deepEqual([...kelkoo.matchAll(/<delivery-cost>([^<]*)<\/delivery-cost>/g)].map((m) => m[1]), ['3.90', '2.50', '4.00']);
});
