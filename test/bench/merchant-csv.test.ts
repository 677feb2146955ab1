import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateCatalog, isValidGtin, MERCHANT_CSV_COLUMNS } from '../../bench/generate/index.js';
import { parsePrice } from '../../src/money.js';
import { tempDir } from './helpers.js';

const N = 3000;

test('merchant CSV parses with csv-parse to exactly N rows of the canonical columns', async (t) => {
  const dir = await tempDir(t);
  const result = await generateCatalog({ shape: 'merchant', format: 'csv', offers: N, out: join(dir, 'm.csv') });
  assert.equal(result.offers, N);
  const text = await readFile(result.path, 'utf8');
  assert.equal(Buffer.byteLength(text), result.bytes);
  assert.equal(result.rawBytes, result.bytes);
  // Strict csv-parse: inconsistent column counts and bad quotes throw.
  const rows = parse(text, { bom: false }) as string[][];
  const [header, ...records] = rows;
  assert.deepEqual(header, [...MERCHANT_CSV_COLUMNS]);
  assert.equal(records.length, N);
  const col = (name: (typeof MERCHANT_CSV_COLUMNS)[number]): number => MERCHANT_CSV_COLUMNS.indexOf(name);

  const ids = new Set<string>();
  const groups = new Set<string>();
  let singles = 0;
  let multiline = 0;
  let quoted = 0;
  let html = 0;
  let withGtin = 0;
  let withSale = 0;
  let accents = 0;
  for (const r of records) {
    assert.equal(r.length, MERCHANT_CSV_COLUMNS.length);
    const id = r[col('id')] as string;
    assert.ok(!ids.has(id), `duplicate id ${id}`);
    ids.add(id);
    const price = parsePrice(r[col('price')] as string, r[col('currency')]);
    assert.ok(price !== undefined && price.minor > 0, `price of ${id}`);
    const sale = r[col('sale_price')] as string;
    if (sale !== '') {
      withSale++;
      const s = parsePrice(sale, 'EUR');
      assert.ok(s !== undefined && s.minor < (price as { minor: number }).minor, `sale price of ${id}`);
    }
    const gtin = r[col('gtin')] as string;
    if (gtin !== '') {
      withGtin++;
      assert.ok(isValidGtin(gtin), `gtin ${gtin} of ${id}`);
    }
    assert.match(r[col('link')] as string, /^https:\/\/[^\s,]+$/);
    assert.match(r[col('image_link')] as string, /^https:\/\/\S+\.jpg$/);
    assert.ok(['in stock', 'out of stock', 'preorder', 'backorder'].includes(r[col('availability')] as string));
    assert.match(r[col('quantity')] as string, /^\d+$/);
    const group = r[col('item_group_id')] as string;
    if (group === '') singles++;
    else {
      groups.add(group);
      assert.ok(id.startsWith(`${group}-`), `variant ${id} of group ${group}`);
    }
    const description = r[col('description')] as string;
    if (description.includes('\n')) multiline++;
    if (description.includes('"')) quoted++;
    if (description.includes('<p>')) html++;
    if (/[éèàçôöäüñ]/.test(r[col('title')] as string)) accents++;
  }
  assert.equal(result.products, groups.size + singles);
  // The traps the generator promises are present in a sample of this size.
  for (const [what, n] of Object.entries({ multiline, quoted, html, accents, withSale, singles })) assert.ok(n > 0, `no ${what} rows`);
  assert.ok(withGtin > N * 0.7 && withGtin < N, `gtin share ${withGtin}`);
  assert.ok(groups.size > 0);
  const avg = result.bytes / N;
  assert.ok(avg > 750 && avg < 950, `average row ${avg} bytes, expected about 850`);
});
