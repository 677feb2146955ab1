import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRules, loadRuleFile, parseRuleSet, resolveRuleFiles } from '../../../src/transform/rules/index.js';
import { isFeedmillError } from '../../../src/errors.js';
import { makeItem, rules, run } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/rules/', import.meta.url));

const TABLE = `
- category:
    table:
      "Men > Tops": "212"
      "Men > Tops > Hoodies": "5598"
      "Women": "1604"
`;

test('longest mapped prefix wins; exact paths win over ancestors', () => {
  assert.equal(run(TABLE, { category: 'Men > Tops > Hoodies' })?.googleCategory, '5598');
  assert.equal(run(TABLE, { category: 'Men > Tops > Tees' })?.googleCategory, '212');
  assert.equal(run(TABLE, { category: 'Men > Tops > Tees > V-neck' })?.googleCategory, '212');
  assert.equal(run(TABLE, { category: 'Women > Dresses' })?.googleCategory, '1604');
});

test('segments compare whole, ignoring case and spacing', () => {
  assert.equal(run(TABLE, { category: 'men>TOPS  >   hoodies' })?.googleCategory, '5598');
  assert.equal(run(TABLE, { category: 'Men > Top' })?.googleCategory, null, '"Top" is not "Tops"');
  assert.equal(run(TABLE, { category: 'Menswear' })?.googleCategory, null);
});

test('exact match mode ignores ancestors', () => {
  const yaml = '- category: {match: exact, table: {"Men > Tops": "212"}}';
  assert.equal(run(yaml, { category: 'Men > Tops' })?.googleCategory, '212');
  assert.equal(run(yaml, { category: 'Men > Tops > Tees' })?.googleCategory, null);
});

test('misses: keep and count, default, or drop', () => {
  const r = rules(TABLE);
  const item = makeItem({ category: 'Garden', googleCategory: '99' });
  assert.equal(r.apply(item), true);
  assert.equal(item.googleCategory, '99');
  assert.equal(r.counters().rules[0]?.missed, 1);
  assert.equal(run('- category: {table: {A: "1"}, default: "5181"}', { category: 'B' })?.googleCategory, '5181');
  assert.equal(run('- category: {table: {A: "1"}, onMiss: drop}', { category: 'B' }), null);
  assert.equal(run('- category: {table: {A: "1"}, onMiss: drop}', { category: null }), null);
});

test('other fields, separators and numeric ids', () => {
  const yaml = '- category: {from: attrs.path, to: attrs.channel_cat, separator: "/", table: {"a/b": 7}}';
  assert.equal(run(yaml, { attrs: { path: 'A / B / C' } })?.attrs.channel_cat, '7');
});

test('a CSV table beside the rule file: semicolons, header, quoted cells; inline rows win', () => {
  const spec = loadRuleFile(join(FIXTURES, 'acme.yaml'));
  const table = (spec.channels['google-shopping']?.[0] as { category: { table: Record<string, string>; file?: string } }).category;
  assert.equal(table.file, undefined);
  assert.deepEqual(table.table, {
    'Men > Tops': '212',
    'Men > Tops > Hoodies': '5598',
    'Home, Garden > Kitchen': '638',
    'Kids > Toys; Games': '1239',
    'Men > Shoes': '187',
  });
  const r = compileRules(spec, 'google-shopping');
  const item = makeItem({ category: 'Home, Garden > Kitchen > Knives' });
  r.apply(item);
  assert.equal(item.googleCategory, '638');
});

test('CSV problems name the file line and the rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-rules-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), 'channels:\n  meta:\n    - name: cats\n      category: {file: cats.csv}\n');
    writeFileSync(join(dir, 'cats.csv'), 'A,1\nB\n');
    assert.throws(
      () => loadRuleFile(join(dir, 'rules.yaml')),
      (err) => isFeedmillError(err, 'FEEDMILL_RULES_INVALID') && err.details.line === 2 && err.details.section === 'meta' && err.details.index === 0 && err.details.field === 'file',
    );
    writeFileSync(join(dir, 'cats.csv'), 'A,1\na ,2\n');
    assert.throws(
      () => loadRuleFile(join(dir, 'rules.yaml')),
      (err) => isFeedmillError(err, 'FEEDMILL_RULES_INVALID') && err.details.line === 2 && err.details.rule === 'cats',
    );
    rmSync(join(dir, 'cats.csv'));
    assert.throws(
      () => loadRuleFile(join(dir, 'rules.yaml')),
      (err) => isFeedmillError(err, 'FEEDMILL_RULES_NOT_FOUND') && err.details.reason === 'ENOENT' && err.details.index === 0,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file reference must stay beside the rule file', () => {
  for (const file of ['../x.csv', '/etc/passwd', 'a/../../x.csv']) {
    assert.throws(
      () => parseRuleSet(`- category: {file: "${file}"}`, { format: 'yaml' }),
      (err) => isFeedmillError(err, 'FEEDMILL_RULES_INVALID') && err.details.field === 'file' && err.details.index === 0,
    );
  }
});

test('compiling a spec whose category file was never read is refused, not silently empty', () => {
  const spec = parseRuleSet('- category: {file: cats.csv}', { format: 'yaml' });
  assert.throws(() => compileRules(spec, 'x'), (err) => isFeedmillError(err, 'FEEDMILL_RULES_INVALID') && err.details.field === 'file');
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-rules-'));
  try {
    writeFileSync(join(dir, 'cats.csv'), 'path,id\nA,1\n');
    const r = compileRules(resolveRuleFiles(spec, dir), 'x');
    const item = makeItem({ category: 'A > B' });
    r.apply(item);
    assert.equal(item.googleCategory, '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two table rows for the same path are an error', () => {
  assert.throws(
    () => parseRuleSet('- category: {table: {"A > B": "1", "a>b": "2"}}', { format: 'yaml' }),
    (err) => isFeedmillError(err, 'FEEDMILL_RULES_INVALID') && err.details.path === 'all[0].category.table.a>b',
  );
});

test('remembered lookups give the same answers item after item', () => {
  const r = rules(TABLE);
  const paths = ['Men > Tops > Tees', 'Women', 'Garden', 'Men > Tops > Tees', 'Garden', 'men > tops > hoodies'];
  const got = paths.map((category) => {
    const item = makeItem({ category });
    r.apply(item);
    return item.googleCategory;
  });
  assert.deepEqual(got, ['212', '1604', null, '212', null, '5598']);
});
