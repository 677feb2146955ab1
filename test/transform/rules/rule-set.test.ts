import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  compileRules,
  loadRuleFile,
  mergeRuleCounters,
  parseRuleSet,
  rulesHash,
  ruleSetChannels,
} from '../../../src/transform/rules/index.js';
import { isFeedmillError } from '../../../src/errors.js';
import { makeItem } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/rules/', import.meta.url));

test('the YAML and JSON examples load to the same spec and hash', () => {
  const yaml = loadRuleFile(join(FIXTURES, 'acme.yaml'));
  const json = loadRuleFile(join(FIXTURES, 'acme.json'));
  assert.deepEqual(json, yaml);
  assert.equal(rulesHash(json), rulesHash(yaml));
  assert.match(rulesHash(yaml), /^[0-9a-f]{64}$/);
  assert.deepEqual(ruleSetChannels(yaml), ['google-shopping', 'idealo']);
});

test('the hash ignores spelling and key order, not meaning', () => {
  const a = parseRuleSet('- keep: {field: sale_price, gte: 19.990}\n- price: {percent: 10}', { format: 'yaml' });
  const b = parseRuleSet('[{"keep": {"gte": "19.99", "field": "salePrice"}}, {"price": {"percent": "10.0", "fields": ["price", "sale_price"]}}]', {});
  const c = parseRuleSet('- keep: {field: sale_price, gte: 19.99}\n- price: {percent: 11}', { format: 'yaml' });
  assert.equal(rulesHash(a), rulesHash(b));
  assert.notEqual(rulesHash(a), rulesHash(c));
});

test('a channel hash covers all plus that channel only', () => {
  const base = 'all: [{drop: {field: price, lt: 1}}]\nchannels:\n  meta: [{price: {percent: 5}}]\n';
  const one = parseRuleSet(base, { format: 'yaml' });
  const two = parseRuleSet(`${base}  idealo: [{price: {percent: 9}}]\n`, { format: 'yaml' });
  assert.equal(rulesHash(one, 'meta'), rulesHash(two, 'meta'));
  assert.notEqual(rulesHash(one, 'idealo'), rulesHash(two, 'idealo'));
  assert.notEqual(rulesHash(one), rulesHash(two));
});

test('all runs before the channel section; other channels do not apply', () => {
  const spec = parseRuleSet(
    'all: [{set: {field: title, template: "{title}!"}}]\nchannels:\n  meta: [{set: {field: title, template: "{title}?"}}]\n  idealo: [{drop: {field: price, gt: 0}}]\n',
    { format: 'yaml' },
  );
  const meta = makeItem({ title: 'T' });
  assert.equal(compileRules(spec, 'meta').apply(meta), true);
  assert.equal(meta.title, 'T!?');
  const other = makeItem({ title: 'T' });
  assert.equal(compileRules(spec, 'kelkoo').apply(other), true);
  assert.equal(other.title, 'T!');
  assert.equal(compileRules(spec, 'idealo').apply(makeItem()), false);
});

test('the example rule set does what its comments say', () => {
  const spec = loadRuleFile(join(FIXTURES, 'acme.yaml'));
  const google = compileRules(spec, 'google-shopping');
  const item = makeItem({ title: ' <b>Tshirt</b>  crew ', brand: 'Acme', category: 'Men > Tops > Tees', link: 'https://acme.example/t?c=1' });
  assert.equal(google.apply(item), true);
  assert.equal(item.title, 'Acme T-shirt crew');
  assert.equal(item.googleCategory, '212');
  assert.equal(item.link, 'https://acme.example/t?c=1&utm_source=google&utm_medium=cpc&utm_campaign=Acme');
  assert.equal(google.apply(makeItem({ availability: 'out_of_stock' })), false);
  assert.deepEqual(google.dropReasons, { 'all[0] drop-out-of-stock': 1 });
  const idealo = compileRules(spec, 'idealo');
  const priced = makeItem({ price: 1000 });
  idealo.apply(priced);
  // 10.00 + 5 % = 10.50 → 10.99 → CHF at 0.9412 = 10.343788 → 10.34
  assert.deepEqual([priced.price, priced.currency], [1034, 'CHF']);
});

test('counters are plain JSON and merge across workers', () => {
  const spec = parseRuleSet('- {name: cheap, drop: {field: price, lt: 10}}\n- price: {percent: 10}', { format: 'yaml' });
  const w1 = compileRules(spec, 'meta');
  const w2 = compileRules(spec, 'meta');
  w1.apply(makeItem({ price: 100 }));
  w1.apply(makeItem({ price: 5000 }));
  w2.apply(makeItem({ price: 5000 }));
  const merged = mergeRuleCounters(w1.counters(), structuredClone(w2.counters()));
  assert.deepEqual(JSON.parse(JSON.stringify(merged)), merged);
  assert.deepEqual(
    { items: merged.items, kept: merged.kept, dropped: merged.dropped },
    { items: 3, kept: 2, dropped: 1 },
  );
  assert.deepEqual(
    merged.rules.map((r) => [r.label, r.applied, r.changed, r.dropped]),
    [
      ['all[0] cheap', 3, 0, 1],
      ['all[1] price', 2, 2, 0],
    ],
  );
  assert.throws(() => mergeRuleCounters(w1.counters(), compileRules(spec, 'idealo').counters()), (e) => isFeedmillError(e, 'FEEDMILL_INTERNAL'));
});

test('a tampered spec is re-validated before compiling', () => {
  const spec = parseRuleSet('- keep: {field: price, gt: 0}', { format: 'yaml' });
  const bad = structuredClone(spec) as unknown as { all: Record<string, unknown>[] };
  bad.all[0] = { keep: { field: 'price', gt: 'NaN' } };
  assert.throws(
    () => compileRules(bad as never, 'meta'),
    (e) => isFeedmillError(e, 'FEEDMILL_RULES_INVALID') && e.details.path === 'all[0].keep.gt',
  );
});

test('the spec crosses a worker thread and compiles there to the same result', async () => {
  const spec = loadRuleFile(join(FIXTURES, 'acme.yaml'));
  const fresh = () => makeItem({ title: 'Tshirt', brand: 'Acme', category: 'Men > Tops > Hoodies' });
  const local = fresh();
  const rules = compileRules(spec, 'google-shopping');
  rules.apply(local);
  const worker = new Worker(join(FIXTURES, 'compile-worker.mjs'), {
    workerData: { spec, channel: 'google-shopping', item: fresh() },
  });
  try {
    const reply = await new Promise<{ kept: boolean; item: unknown; counters: unknown }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(reply.kept, true);
    assert.deepEqual(reply.item, local);
    assert.deepEqual(reply.counters, rules.counters());
  } finally {
    await worker.terminate();
  }
});

test('a rule file that does not exist is FEEDMILL_RULES_NOT_FOUND', () => {
  assert.throws(() => loadRuleFile(join(FIXTURES, 'missing.yaml')), (e) => isFeedmillError(e, 'FEEDMILL_RULES_NOT_FOUND') && e.details.reason === 'ENOENT');
});

test('format is chosen by option, then extension, then content', () => {
  const text = readFileSync(join(FIXTURES, 'acme.json'), 'utf8');
  assert.equal(parseRuleSet(text, { path: 'x.rules' }).all.length, 5);
  assert.equal(parseRuleSet('all: []', { path: 'x.yml' }).all.length, 0);
  assert.throws(() => parseRuleSet('all: []', { path: 'x.json' }), (e) => isFeedmillError(e, 'FEEDMILL_RULES_INVALID') && e.details.format === 'json');
});
