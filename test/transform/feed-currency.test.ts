/**
 * A channel whose output names no currency (idealo writes `19.90`) reads every amount in the feed's
 * currency: an item priced in another is excluded as `not_feed_currency`, never written as if it
 * were in the feed's. Before, `19.90 USD` in a euro catalog reached idealo.de as 19.90 EUR, with
 * nothing in the quality report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { compileChannel, listChannels, loadChannel, namesCurrency } from '../../src/transform/channels/index.js';
import { convertTarget } from '../../src/transform/export.js';
import type { RuleSetSpec } from '../../src/transform/rules/index.js';
import { cli } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { merchantItem } from './channels/items.js';

test('of the shipped channels, only idealo writes prices without naming their currency', () => {
  const bare = listChannels()
    .filter((c) => !namesCurrency(c))
    .map((c) => c.name);
  assert.deepEqual(bare, ['idealo']);
});

test('idealo excludes an item in another currency than the feed; channels that name the currency write it', () => {
  const idealo = compileChannel(loadChannel('idealo'), { currency: 'EUR' });
  const eur = idealo.render(merchantItem());
  assert.ok(eur.ok);
  assert.match(eur.text, /,49\.99,/);
  const usd = idealo.render(merchantItem({ currency: 'USD' }));
  assert.equal(usd.ok, false);
  assert.deepEqual(!usd.ok && { field: usd.field, reason: usd.reason }, { field: 'price', reason: 'not_feed_currency' });

  // The feed's currency is whatever the export says it is (a catalog in GBP, or converted to GBP).
  const gbp = compileChannel(loadChannel('idealo'), { currency: 'GBP' });
  assert.equal(gbp.render(merchantItem({ currency: 'GBP' })).ok, true);
  assert.equal(gbp.render(merchantItem()).ok, false);

  // Google names the currency of each price: the option does not apply.
  const google = compileChannel(loadChannel('google-shopping'), { currency: 'EUR' });
  const r = google.render(merchantItem({ currency: 'USD' }));
  assert.ok(r.ok);
  assert.match(r.text, /<g:price>49\.99 USD<\/g:price>/);
});

test("the feed's currency is the target of the last convert rule that applies to the channel", () => {
  const convert = (to: string) => ({ convert: { to, rates: { EUR: '1' }, onMissing: 'drop' as const } });
  const spec = { version: 1, all: [convert('USD')], channels: { idealo: [convert('GBP')], kelkoo: [{ keep: { field: 'price', gt: '0' } }] } } as unknown as RuleSetSpec;
  assert.equal(convertTarget(spec, 'idealo'), 'GBP');
  assert.equal(convertTarget(spec, 'kelkoo'), 'USD');
  assert.equal(convertTarget({ version: 1, all: [], channels: {} }, 'idealo'), undefined);
  assert.equal(convertTarget(undefined, 'idealo'), undefined);
});

test('export: idealo drops the dollar offer of a euro catalog and says why; a convert rule brings it in, converted', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  writeFileSync(
    env.path('shop.csv'),
    [
      'id,title,description,price,availability,link,image_link,brand',
      'E1,Mug,Blue mug,9.90,in stock,https://s.example/e1,https://s.example/e1.jpg,Acme',
      'U1,Cup,Red cup,20.00 USD,in stock,https://s.example/u1,https://s.example/u1.jpg,Acme',
      '',
    ].join('\n'),
  );
  const out = env.path('out');
  const run = await cli(['run', env.path('shop.csv'), '--catalog', 'shop', '--profile', 'generic', '--channels', 'idealo,google-shopping', '--out', out, '--json', ...dirs]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const rows = () => parse(readFileSync(join(out, 'idealo.csv')), { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows().map((r) => [r.sku, r.price]), [['E1', '9.90']]);
  const report = JSON.parse(readFileSync(join(env.config.dataDir, 'reports', 'shop', 'idealo.quality.json'), 'utf8')) as { exclusions: { field: string; reason: string; examples: string[] }[] };
  assert.deepEqual(report.exclusions.map((e) => [e.field, e.reason, e.examples]), [['price', 'not_feed_currency', ['U1']]]);
  // Google writes each price with its currency: both offers, unchanged.
  assert.match(readFileSync(join(out, 'google-shopping.xml'), 'utf8'), /<g:price>20\.00 USD<\/g:price>/);

  // idealo.co.uk from the same catalog: every price converted to pounds, the feed's currency.
  writeFileSync(env.path('rules.yaml'), 'version: 1\nchannels:\n  idealo:\n    - convert: {to: GBP, rates: {EUR: "0.85", USD: "0.80"}}\n');
  const uk = await cli(['export', '--catalog', 'shop', '--channels', 'idealo', '--rules', env.path('rules.yaml'), '--out', out, '--json', ...dirs]);
  assert.equal(uk.code, 0, uk.stdout + uk.stderr);
  assert.deepEqual(rows().map((r) => [r.sku, r.price]), [['E1', '8.42'], ['U1', '16.00']]);

  // A dollar shop: once the catalog says so, its dollar offers are the feed's, at once.
  const set = await cli(['catalog', 'set', 'shop', '--currency', 'USD', ...dirs]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  const us = await cli(['export', '--catalog', 'shop', '--channels', 'idealo', '--out', out, '--json', ...dirs]);
  assert.equal(us.code, 0, us.stdout + us.stderr);
  assert.deepEqual(rows().map((r) => [r.sku, r.price]), [['U1', '20.00']]);
});
