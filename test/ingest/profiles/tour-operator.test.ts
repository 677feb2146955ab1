import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tourOperatorProfile } from '../../../src/ingest/profiles/tour-operator.js';
import { isFeedmillError } from '../../../src/errors.js';
import { FIXTURES, offer, rejects, runXml, scalar } from './helpers.js';

const TRIPS = join(FIXTURES, 'tour-operator/trips.xml');

test('one product per trip, one offer per departure; bad departures rejected alone', () => {
  const r = runXml(tourOperatorProfile, TRIPS, { defaultCurrency: 'GBP' });
  try {
    assert.deepEqual(r.counts, {
      seen: 11,
      accepted: 3,
      rejected: 8,
      products: 1,
      offers: 3,
      duplicates: 0,
      rejectsByCode: {
        RECORD_BAD_PRICE: 1,
        RECORD_BAD_DATE: 1,
        RECORD_BAD_NUMBER: 1,
        RECORD_NO_OFFERS: 1,
        RECORD_MISSING_ID: 2,
        RECORD_BAD_URL: 1,
        RECORD_BAD_VALUE: 1,
      },
    });
    assert.deepEqual(
      rejects(r.db).map((x) => [x.line, x.field, x.code]),
      [
        [13, 'price', 'RECORD_BAD_PRICE'],
        [14, 'date', 'RECORD_BAD_DATE'],
        [15, 'nights', 'RECORD_BAD_NUMBER'],
        [19, 'departures', 'RECORD_NO_OFFERS'],
        [24, 'code', 'RECORD_MISSING_ID'],
        [24, 'code', 'RECORD_MISSING_ID'],
        [33, 'url', 'RECORD_BAD_URL'],
        [41, 'board', 'RECORD_BAD_VALUE'],
      ],
    );
    const bad = rejects(r.db)[1];
    assert.equal(bad?.raw, '<departure date="2027-02-30" nights="7" room="DBL" board="HB" price="999" seats="2"/>');

    // The trip's text is stored once, on its product.
    assert.equal(scalar(r.db, 'SELECT count(*) FROM offers WHERE title IS NOT NULL OR description IS NOT NULL'), 0);
    const a = offer(r.db, 'CRE-0001-2027-05-01-7-DBL-HB');
    assert.ok(a);
    assert.equal(a.line, 11);
    assert.equal(a.group_id, 'CRE-0001');
    assert.equal(a.product_key, 'CRE-0001');
    assert.equal(a.p_title, 'Crete, Hotel Knossos Beach, 4*');
    assert.equal(a.p_description, 'Seafront hotel, 5 minutes from Heraklion…');
    assert.equal(a.category, 'Greece > Crete');
    assert.equal(a.p_link, 'https://tours.example/trips/cre-0001');
    assert.equal(a.p_image, 'https://tours.example/img/cre-0001.jpg');
    assert.deepEqual(JSON.parse(a.p_attrs ?? '{}'), { hotel_id: 'H-0042', hotel_name: 'Knossos Beach', stars: '4', country: 'GR', city: 'Heraklion' });
    assert.equal(a.price, 129_900);
    assert.equal(a.currency, 'EUR', 'catalog/@currency wins over the default currency');
    assert.equal(a.departure_date, '2027-05-01');
    assert.equal(a.nights, 7);
    assert.equal(a.room, 'DBL');
    assert.equal(a.board, 'HB');
    assert.equal(a.seats, 4);
    assert.equal(a.availability, 'in_stock');

    const full = offer(r.db, 'CRE-0001-2027-05-01-14-DBL-AI');
    assert.ok(full);
    assert.equal(full.price, 245_050);
    assert.equal(full.seats, 0);
    assert.equal(full.availability, 'out_of_stock');

    const usd = offer(r.db, 'CRE-0001-2027-05-22-7-FAM-BB');
    assert.ok(usd);
    assert.equal(usd.currency, 'USD');
    assert.equal(usd.price, 189_000);
    assert.equal(usd.seats, null);
    assert.equal(usd.availability, 'in_stock');
    assert.deepEqual(JSON.parse(usd.attrs ?? '{}'), { promo: 'EARLY' });
  } finally {
    r.close();
  }
});

test('a trip whose departures are all rejected leaves no product behind', () => {
  const r = runXml(tourOperatorProfile, TRIPS);
  try {
    assert.equal(scalar(r.db, "SELECT count(*) FROM products WHERE product_key IN ('RHO-0003', 'COR-0002', 'MAL-0007')"), 0);
  } finally {
    r.close();
  }
});

test('detection and shape', () => {
  assert.equal(tourOperatorProfile.detectXml?.('catalog', { operator: 'Sunward Tours', currency: 'EUR' }), 0.95);
  assert.equal(tourOperatorProfile.detectXml?.('catalog', {}), 0.6);
  assert.equal(tourOperatorProfile.detectXml?.('rss', {}), 0);
  const ctx = { defaultCurrency: 'EUR', sourceName: 'x.xml', db: undefined as never, readSibling: () => undefined };
  assert.throws(
    () => tourOperatorProfile.xml?.('rss', ctx),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH') && e.details.root === 'rss',
  );
  assert.throws(
    () => tourOperatorProfile.xml?.('catalog', { ...ctx, options: { 'base-url': 'https://x.example' } }),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_OPTION_UNKNOWN'),
  );
});
