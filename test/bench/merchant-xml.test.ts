import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateCatalog } from '../../bench/generate/index.js';
import { parsePrice } from '../../src/money.js';
import { child, tempDir, walkXml } from './helpers.js';

const N = 1500;

test('merchant RSS parses with sax (strict) to N items carrying the same offers as the CSV', async (t) => {
  const dir = await tempDir(t);
  const xml = await generateCatalog({ shape: 'merchant', format: 'xml', offers: N, out: join(dir, 'm.xml'), seed: 'same' });
  const csv = await generateCatalog({ shape: 'merchant', format: 'csv', offers: N, out: join(dir, 'm.csv'), seed: 'same' });
  assert.equal(xml.products, csv.products);
  const rows = (parse(await readFile(csv.path, 'utf8')) as string[][]).slice(1);

  const items: { id: string; title: string; description: string; price: string; group: string }[] = [];
  let cdata = 0;
  const text = await readFile(xml.path, 'utf8');
  if (text.includes('<![CDATA[')) cdata++;
  const root = walkXml(text, 2, (el) => {
    if (el.name !== 'item') return;
    items.push({
      id: child(el, 'g:id')?.text ?? '',
      title: child(el, 'title')?.text ?? '',
      description: child(el, 'description')?.text ?? '',
      price: child(el, 'g:price')?.text ?? '',
      group: child(el, 'g:item_group_id')?.text ?? '',
    });
    assert.ok(child(el, 'g:shipping')?.children.some((c) => c.name === 'g:price'));
    assert.match(child(el, 'g:availability')?.text ?? '', /^(in_stock|out_of_stock|preorder|backorder)$/);
  });
  assert.equal(root.name, 'rss');
  assert.equal(root.attributes['version'], '2.0');
  assert.equal(root.attributes['xmlns:g'], 'http://base.google.com/ns/1.0');
  assert.equal(items.length, N);
  assert.ok(cdata > 0, 'some HTML descriptions are in CDATA');
  items.forEach((item, i) => {
    const row = rows[i] as string[];
    assert.equal(item.id, row[0]);
    // Escaping round trip: what sax decodes is exactly the CSV's text.
    assert.equal(item.title, row[1]);
    assert.equal(item.description, row[2]);
    assert.equal(item.group, row[17]);
    const fromXml = parsePrice(item.price, undefined);
    assert.deepEqual(fromXml, parsePrice(row[6] as string, row[8]));
    assert.match(item.price, /^\d+\.\d{2} EUR$/);
  });
});
