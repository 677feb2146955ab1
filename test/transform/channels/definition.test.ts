import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileChannel, listChannels, loadChannel } from '../../../src/transform/index.js';
import { FeedmillError } from '../../../src/errors.js';
import { merchantItem } from './items.js';

const SHIPPED = ['generic-csv', 'google-hotel-prices', 'google-shopping', 'google-shopping-tsv', 'idealo', 'kelkoo', 'meta', 'microsoft'];

function withFeeds(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-feeds-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function coded(code: string, details: Record<string, unknown> = {}) {
  return (e: unknown) => {
    assert.ok(e instanceof FeedmillError, String(e));
    assert.equal(e.code, code);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
    return true;
  };
}

const MINIMAL = `
name: mini
title: Mini
spec: https://example.org/spec
format: csv
fileName: mini.csv
fields:
  - { name: id, source: id, required: true }
  - { name: price, source: price, kind: price, required: true }
`;

test('every shipped channel loads, compiles and has its spec URL and file name', () => {
  const defs = listChannels();
  assert.deepEqual(defs.map((d) => d.name), SHIPPED);
  for (const def of defs) {
    const c = compileChannel(def);
    assert.match(def.spec, /^https:\/\//);
    assert.ok(c.fileName.startsWith(def.name.replace('-tsv', '').replace('generic-csv', 'generic')), c.fileName);
    assert.equal(c.format, def.format);
  }
  assert.equal(loadChannel('google-shopping').xml?.namespaces.g, 'http://base.google.com/ns/1.0');
});

test('an unknown channel is coded and suggests the closest name', () => {
  assert.throws(() => loadChannel('google-shoping'), coded('FEEDMILL_CHANNEL_UNKNOWN', { channel: 'google-shoping', suggestion: 'google-shopping' }));
  assert.throws(() => loadChannel('../etc'), coded('FEEDMILL_NAME_INVALID'));
});

test('adding a channel is adding a file: a new definition renders without code changes', () => {
  withFeeds({ 'mini.yaml': MINIMAL, 'mini2.json': JSON.stringify({ name: 'mini2', title: 'M2', spec: 'https://example.org/', format: 'tsv', fileName: 'm2.tsv', fields: [{ name: 'sku', source: 'id' }] }) }, (dir) => {
    assert.deepEqual(listChannels(dir).map((d) => d.name), ['mini', 'mini2']);
    const c = compileChannel(loadChannel('mini', dir));
    assert.equal(c.header({ catalog: 'x', generatedAt: '' }), 'id,price\n');
    assert.deepEqual(c.render(merchantItem()), { ok: true, text: 'SKU-1,49.99 EUR\n', warnings: [] });
    assert.equal(compileChannel(loadChannel('mini2', dir)).render(merchantItem()).ok, true);
  });
});

const cases: [string, string, Record<string, unknown>][] = [
  ['a misspelled key names the right one', MINIMAL.replace('fileName:', 'filename:'), { path: '$.filename', suggestion: 'fileName' }],
  ['a misspelled field key names the right one', MINIMAL.replace('required: true }', 'requird: true }'), { path: '$.fields[0].requird', suggestion: 'required' }],
  ['an unknown source suggests a field', MINIMAL.replace('source: id', 'source: titel'), { path: '$.fields[0].source', suggestion: 'title' }],
  ['an unknown kind lists the kinds', MINIMAL.replace('kind: price', 'kind: money'), { path: '$.fields[1].kind' }],
  ['the name must match the file', MINIMAL.replace('name: mini', 'name: other'), { path: '$.name', expected: 'mini' }],
  ['a field needs a source or a template', MINIMAL.replace('source: id, ', ''), { path: '$.fields[0]' }],
  ['kind options on the wrong kind are refused', MINIMAL.replace('kind: price,', 'kind: price, maxLength: 5,'), { path: '$.fields[1].maxLength' }],
  ['an enum needs values', MINIMAL.replace('kind: price', 'kind: enum'), { path: '$.fields[1].values' }],
  ['below must name a price field', MINIMAL.replace('required: true }\n  - { name: price', 'required: true, kind: price, below: nope }\n  - { name: price'), { path: '$.fields[0].below' }],
  ['a tsv channel is tab-delimited', MINIMAL.replace('format: csv', 'format: tsv\ncsv: { delimiter: "," }'), { path: '$.csv.delimiter' }],
  ['a required field cannot be omitted when invalid', MINIMAL.replace('required: true }', 'required: true, onInvalid: omit }'), { path: '$.fields[0].onInvalid' }],
  ['an unknown template placeholder is refused', MINIMAL.replace('source: id', 'template: "{brand} {nope}"'), { path: '$.fields[0].template' }],
  ['YAML syntax errors are coded', 'name: [mini', {}],
];
for (const [title, text, details] of cases) {
  test(`definition errors: ${title}`, () => {
    withFeeds({ 'mini.yaml': text }, (dir) => {
      assert.throws(() => loadChannel('mini', dir), coded('FEEDMILL_CHANNEL_INVALID', details));
    });
  });
}

const XML = `
name: x
title: X
spec: https://example.org/spec
fileName: x.xml
xml:
  namespaces: { g: "http://base.google.com/ns/1.0" }
  header: "<feed{namespaces}>"
  item: entry
  footer: "</feed>"
fields:
  - { name: g:id, source: id, required: true }
`;

test('XML layouts are checked by parsing header + item + footer', () => {
  withFeeds({ 'x.yaml': XML }, (dir) => {
    const c = compileChannel(loadChannel('x', dir));
    assert.equal(c.header({ catalog: 'a', generatedAt: 'b' }), '<feed xmlns:g="http://base.google.com/ns/1.0">');
  });
  const bad: [string, string][] = [
    [XML.replace('"</feed>"', '"</fed>"'), '$.xml'],
    [XML.replace('name: g:id', 'name: h:id'), '$.fields[0].name'],
    [XML.replace('"<feed{namespaces}>"', '"<feed>"'), '$.xml'],
    [XML.replace('"<feed{namespaces}>"', '"<feed{namespaces}><entry/>"'), '$.xml.item'],
    [XML.replace('"</feed>"', '"{price}</feed>"'), '$.xml.footer'],
  ];
  for (const [text, path] of bad) {
    withFeeds({ 'x.yaml': text }, (dir) => {
      assert.throws(() => loadChannel('x', dir), coded('FEEDMILL_CHANNEL_INVALID', { path }), path);
    });
  }
});

test('two files for one channel are refused', () => {
  withFeeds({ 'mini.yaml': MINIMAL, 'mini.json': '{}' }, (dir) => {
    assert.throws(() => listChannels(dir), coded('FEEDMILL_CHANNEL_INVALID', { channel: 'mini' }));
  });
});
