import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileChannel, listChannels, loadChannel, parseChannelDefinition, type RenderResult } from '../../../src/transform/index.js';
import { departureItem, GOLDEN_ITEMS, merchantItem } from './items.js';

const google = compileChannel(loadChannel('google-shopping'));
const meta = compileChannel(loadChannel('meta'));
const hotel = compileChannel(loadChannel('google-hotel-prices'));
const idealo = compileChannel(loadChannel('idealo'));

function ok(r: RenderResult): { text: string; warnings: readonly { field: string; reason: string }[] } {
  assert.equal(r.ok, true, JSON.stringify(r));
  if (!r.ok) throw new Error('unreachable');
  return r;
}

function inline(fields: unknown[], extra: Record<string, unknown> = {}) {
  return compileChannel(
    parseChannelDefinition({ name: 't', title: 'T', spec: 'https://example.org/', format: 'csv', fileName: 't.csv', fields, ...extra }, 'inline'),
  );
}

test('a missing required field excludes the item, naming the field', () => {
  assert.deepEqual(google.render(merchantItem({ title: null })), { ok: false, field: 'g:title', reason: 'missing' });
  assert.deepEqual(google.render(merchantItem({ title: '  <p> </p> ' })), { ok: false, field: 'g:title', reason: 'missing' });
});

test('invalid values of required fields exclude, of optional fields drop the field with a warning', () => {
  assert.deepEqual(google.render(merchantItem({ link: 'shop.example/x' })), { ok: false, field: 'g:link', reason: 'invalid_url' });
  assert.deepEqual(google.render(merchantItem({ price: 0 })), { ok: false, field: 'g:price', reason: 'price_not_positive' });
  assert.deepEqual(google.render(merchantItem({ availability: 'sold' })), { ok: false, field: 'g:availability', reason: 'not_in_enum' });
  assert.deepEqual(google.render(merchantItem({ id: 'x'.repeat(51) })), { ok: false, field: 'g:id', reason: 'too_long' });
  const r = ok(google.render(merchantItem({ gtin: '4006381333932' })));
  assert.deepEqual(r.warnings, [{ field: 'g:gtin', reason: 'invalid_gtin_check_digit' }]);
  assert.doesNotMatch(r.text, /g:gtin/);
});

test('sale price must be below the price', () => {
  assert.match(ok(google.render(merchantItem({ salePrice: 3999 }))).text, /<g:sale_price>39.99 EUR<\/g:sale_price>/);
  const r = ok(google.render(merchantItem({ salePrice: 4999 })));
  assert.deepEqual(r.warnings, [{ field: 'g:sale_price', reason: 'sale_not_below_price' }]);
  assert.doesNotMatch(r.text, /sale_price/);
});

test('prices are written "15.00 EUR" from integer minor units, per currency exponent', () => {
  assert.match(ok(google.render(merchantItem({ price: 1500 }))).text, /<g:price>15.00 EUR<\/g:price>/);
  assert.match(ok(google.render(merchantItem({ price: 1500, currency: 'JPY' }))).text, /<g:price>1500 JPY<\/g:price>/);
  assert.match(ok(idealo.render(merchantItem({ price: 1500, salePrice: 1200 }))).text, /,12.00,/);
});

test('availability and other enums are mapped to the channel values', () => {
  assert.match(ok(meta.render(merchantItem({ availability: 'backorder' }))).text, /,available for order,/);
  assert.match(ok(google.render(merchantItem({ gender: ' Women ' }))).text, /<g:gender>female<\/g:gender>/);
  assert.match(ok(meta.render(merchantItem({ condition: null }))).text, /,new,/);
});

test('titles are cleaned and truncated at a word boundary where the channel allows it', () => {
  const long = `${'word '.repeat(40)}end`;
  const r = ok(google.render(merchantItem({ title: `<b>Big</b> &amp; ${long}` })));
  assert.deepEqual(r.warnings, [{ field: 'g:title', reason: 'truncated' }]);
  const title = /<g:title>(.*)<\/g:title>/.exec(r.text)?.[1] ?? '';
  assert.ok(title.startsWith('Big &amp; word word'));
  assert.ok(title.replace('&amp;', '&').length <= 150);
  assert.ok(title.endsWith('word'));
});

test('lists repeat the XML element, join CSV cells, drop bad entries and keep the first N', () => {
  const images = Array.from({ length: 12 }, (_, i) => `https://shop.example/${i}.jpg`).join('\n');
  const r = ok(google.render(merchantItem({ additionalImages: `not a url\n${images}` })));
  assert.equal(r.text.match(/<g:additional_image_link>/g)?.length, 10);
  assert.deepEqual(
    r.warnings.map((w) => w.reason),
    ['invalid_url', 'list_truncated'],
  );
  assert.match(ok(meta.render(merchantItem({ additionalImages: 'https://a.example/1.jpg\nhttps://a.example/2.jpg' }))).text, /,"https:\/\/a.example\/1.jpg,https:\/\/a.example\/2.jpg",/);
  // a comma inside a URL would split the cell: it is percent-encoded
  assert.match(ok(meta.render(merchantItem({ additionalImages: 'https://a.example/x,y.jpg' }))).text, /,https:\/\/a.example\/x%2Cy.jpg,/);
});

test('recommended fields warn when missing', () => {
  assert.deepEqual(ok(google.render(merchantItem({ brand: null }))).warnings, [{ field: 'g:brand', reason: 'missing_recommended' }]);
});

test('hotel prices: one Result per departure; sold-out departures excluded by a check-only field', () => {
  const r = ok(hotel.render(departureItem()));
  assert.equal(
    r.text,
    '<Result>\n  <Property>H-0042</Property>\n  <Checkin>2027-05-01</Checkin>\n  <Nights>7</Nights>\n  <Baserate currency="EUR">1299.00</Baserate>\n  <Tax currency="EUR">0.00</Tax>\n  <OtherFees currency="EUR">0.00</OtherFees>\n</Result>\n',
  );
  assert.deepEqual(hotel.render(departureItem({ availability: 'out_of_stock' })), { ok: false, field: 'availability', reason: 'not_in_enum' });
  assert.deepEqual(hotel.render(departureItem({ attrs: {} })), { ok: false, field: 'Property', reason: 'missing' });
  assert.deepEqual(hotel.render(departureItem({ nights: 0 })), { ok: false, field: 'Nights', reason: 'out_of_range' });
  assert.deepEqual(hotel.render(departureItem({ departureDate: '2027-02-30' })), { ok: false, field: 'Checkin', reason: 'invalid_date' });
  assert.match(ok(hotel.render(departureItem({ attrs: { hotel_id: 'H', tax: '12,5' } }))).text, /<Tax currency="EUR">12.50<\/Tax>/);
});

test('templates, coalescing sources, defaults and attrs', () => {
  const c = inline([
    { name: 'title', template: '{brand} {title} ({attrs.season})' },
    { name: 'price', source: ['salePrice', 'price'], kind: 'price', style: 'amount' },
    { name: 'ship', source: 'attrs.ship', default: '0', kind: 'price', allowZero: true },
    { name: 'maybe', template: '{mpn}{attrs.none}' },
  ]);
  assert.equal(ok(c.render(merchantItem({ attrs: { season: 'AW26' }, salePrice: 3000 }))).text, 'Acme Organic cotton hoodie (AW26),30.00,0.00 EUR,HD-1\n');
  assert.equal(ok(c.render(merchantItem({ brand: null, mpn: null, attrs: {} }))).text, 'Organic cotton hoodie (),49.99,0.00 EUR,\n');
});

test('rejecting instead of truncating, and onInvalid: exclude on an optional field', () => {
  const c = inline([
    { name: 'title', source: 'title', maxLength: 5 },
    { name: 'gtin', source: 'gtin', kind: 'gtin', onInvalid: 'exclude' },
  ]);
  assert.deepEqual(c.render(merchantItem({ title: 'Too long' })), { ok: true, text: ',4006381333931\n', warnings: [{ field: 'title', reason: 'too_long' }] });
  assert.deepEqual(c.render(merchantItem({ title: 'Ok', gtin: '123' })), { ok: false, field: 'gtin', reason: 'invalid_gtin_length' });
});

test('render is pure: the same item renders to the same text, and the item is not changed', () => {
  const item = merchantItem({ title: '<b>x</b>  y', additionalImages: 'https://a.example/1.jpg' });
  const copy = structuredClone(item);
  const a = google.render(item);
  const b = google.render(item);
  assert.deepEqual(a, b);
  assert.deepEqual(item, copy);
});

test('a value repeated from the previous item renders as on a fresh channel (the per-field memo changes nothing)', () => {
  // Variants in a row share values; renderers keep the last clean outcome. Repeats of every golden
  // item, with warnings (truncated title), invalid values (bad link) and exclusions between them.
  const sequence = GOLDEN_ITEMS.flatMap((item, i) => [item, item, { ...item, id: `${item.id}-v`, oid: item.oid + 100 }, GOLDEN_ITEMS[(i + 3) % GOLDEN_ITEMS.length] ?? item, item]);
  for (const def of listChannels()) {
    const warm = compileChannel(def);
    for (const [i, item] of sequence.entries()) {
      assert.deepEqual(warm.render(item), compileChannel(def).render(item), `${def.name}, item ${i} (${item.id})`);
    }
  }
});

test('header and footer use the feed context, escaped', () => {
  const ctx = { catalog: 'acme&co', generatedAt: '2026-01-01T00:00:00.000Z', title: 'Acme <shop>', link: 'https://acme.example/?a=1&b=2' };
  const h = google.header(ctx);
  assert.match(h, /<title>Acme &lt;shop&gt;<\/title>/);
  assert.match(h, /<link>https:\/\/acme.example\/\?a=1&amp;b=2<\/link>/);
  assert.equal(google.footer(ctx), '</channel>\n</rss>\n');
  assert.match(hotel.header(ctx), /<Transaction timestamp="2026-01-01T00:00:00.000Z" id="acme&amp;co-2026-01-01T00:00:00.000Z">/);
  assert.equal(meta.footer(ctx), '');
  assert.equal(google.idField, 'g:id');
  assert.equal(hotel.idField, undefined);
});
