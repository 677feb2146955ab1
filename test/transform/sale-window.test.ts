import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { applySaleWindow, parseSaleWindow } from '../../src/transform/sale-window.js';
import { exportCatalog } from '../../src/transform/export.js';
import type { Item } from '../../src/transform/index.js';
import { merchantRow, stageCatalog, tempRoot, testConfig } from './pool/fixtures/stage.js';

const texts = (text: string) => {
  const w = parseSaleWindow(text);
  return w === undefined ? undefined : [w.start?.text, w.end?.text];
};

test('sale windows as Magento, PrestaShop and Google write them', () => {
  assert.deepEqual(texts('2026-01-01/2026-02-01'), ['2026-01-01T00:00', '2026-02-01T23:59'], 'a date alone is the whole day');
  assert.deepEqual(texts('2026-01-01 08:30:00/2026-02-01 23:59:59'), ['2026-01-01T08:30', '2026-02-01T23:59']);
  assert.deepEqual(texts('2016-02-24T13:00-0800/2016-02-29T15:30-08:00'), ['2016-02-24T13:00-0800', '2016-02-29T15:30-0800']);
  assert.deepEqual(texts('2026-01-01T08:00Z/'), ['2026-01-01T08:00Z', undefined]);
  assert.deepEqual(texts('1/24/26/2/1/2026'), ['2026-01-24T00:00', '2026-02-01T23:59'], "Magento's short dates, month first");
  assert.deepEqual(texts('/2/1/26'), [undefined, '2026-02-01T23:59']);
  assert.deepEqual(texts('0000-00-00 00:00:00/2026-02-01'), [undefined, '2026-02-01T23:59'], "PrestaShop's no-date");
  assert.deepEqual(texts('/'), [undefined, undefined]);
  for (const bad of ['soon/later', '2026-02-30/', '2026-01-01', '2026-03-01/2026-02-01', '2026-01-01T25:00/', '13/1/26/']) {
    assert.equal(parseSaleWindow(bad), undefined, bad);
  }
  // A date alone is the whole day; a zone moves the instant.
  const w = parseSaleWindow('2026-01-01/2026-01-01T10:00+0100');
  assert.equal(w?.start?.ms, Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(w?.end?.ms, Date.parse('2026-01-01T09:00:00Z'));
  assert.equal(parseSaleWindow('/2026-01-31')?.end?.ms, Date.parse('2026-01-31T23:59:59.999Z'));
  assert.deepEqual(texts('2026-01-01 00:00:00/2026-01-31 00:00:00'), ['2026-01-01T00:00', '2026-01-31T23:59'], "Magento's whole days");
  assert.equal(parseSaleWindow('/2026-01-31 00:00:00')?.end?.ms, Date.parse('2026-01-31T23:59:59.999Z'));
  assert.equal(parseSaleWindow('/2026-01-31T00:00Z')?.end?.ms, Date.parse('2026-01-31T00:00:00Z'), 'with a zone, an instant');
});

function item(salePrice: number | null, window?: string): Item {
  return { salePrice, attrs: window === undefined ? {} : { sale_price_effective_date: window } } as unknown as Item;
}

test('outside its window a sale price is dropped; inside, the window is written for the channels', () => {
  const now = Date.parse('2026-01-15T12:00:00Z');
  const cases: [string, number | null, string | undefined][] = [
    ['2026-01-01/2026-01-31', 900, '2026-01-01T00:00/2026-01-31T23:59'],
    ['/2026-01-31', 900, '2026-01-15T00:00/2026-01-31T23:59'],
    ['2026-01-01/', 900, undefined],
    ['2026-01-16/2026-01-31', null, undefined],
    ['2025-12-01/2026-01-14', null, undefined],
    ['2026-01-15 12:00:01/', null, undefined],
    ['whenever', 900, undefined],
  ];
  for (const [window, salePrice, written] of cases) {
    const it = item(900, window);
    applySaleWindow(it, now, '2026-01-15');
    assert.equal(it.salePrice, salePrice, window);
    assert.equal(it.attrs.sale_price_effective_date, written, window);
  }
  const noSale = item(null, '2026-01-01/2026-01-31');
  applySaleWindow(noSale, now, '2026-01-15');
  assert.deepEqual(noSale.attrs, {}, 'a window without a sale price says nothing');
});

test("an export applies each offer's sale window at its generation time, in every channel", async (t) => {
  const config = testConfig(tempRoot(t), { transformWorkers: 1 });
  const windows = ['2030-01-01/2030-01-31', '2029-12-01/2029-12-31', '2030-02-01/', undefined];
  stageCatalog(config, 'acme', windows.length, (i) => {
    const r = merchantRow(i);
    const window = windows[i];
    return { product: r.product, offer: { ...r.offer, price: 2000, salePrice: 1500, attrs: window === undefined ? undefined : { sale_price_effective_date: window } } };
  });
  const r = await exportCatalog({ config, catalog: 'acme', channels: ['google-shopping', 'meta'], rulesPath: null, generatedAt: '2030-01-10T00:00:00.000Z' });
  const xml = readFileSync(r.feeds[0]?.path ?? assert.fail(), 'utf8');
  const items = xml.split('<item>').slice(1);
  assert.equal(items.length, 4);
  assert.match(items[0] ?? '', /<g:sale_price>15\.00 EUR<\/g:sale_price>\s*<g:sale_price_effective_date>2030-01-01T00:00\/2030-01-31T23:59<\/g:sale_price_effective_date>/);
  for (const i of [1, 2]) assert.doesNotMatch(items[i] ?? '', /sale_price/, `offer ${i}: its sale is over or to come`);
  assert.match(items[3] ?? '', /<g:sale_price>15\.00 EUR<\/g:sale_price>/);
  assert.doesNotMatch(items[3] ?? '', /effective_date/);
  const rows = parse(readFileSync(r.feeds[1]?.path ?? assert.fail(), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((l) => [l.sale_price, l.sale_price_effective_date]), [
    ['15.00 EUR', '2030-01-01T00:00/2030-01-31T23:59'],
    ['', ''],
    ['', ''],
    ['15.00 EUR', ''],
  ]);
});
