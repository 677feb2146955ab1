import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCatalog, tourPlan, DEFAULT_DEPARTURES } from '../../bench/generate/index.js';
import { child, tempDir, walkXml, type XmlElement } from './helpers.js';

async function readTrips(path: string): Promise<{ root: XmlElement; trips: XmlElement[] }> {
  const trips: XmlElement[] = [];
  const root = walkXml(await readFile(path, 'utf8'), 1, (el) => {
    if (el.name === 'trip') trips.push(el);
  });
  return { root, trips };
}

test('tour XML has the documented shape: trips of 800 departures by default, the last one shorter', async (t) => {
  const dir = await tempDir(t);
  const offers = 2 * DEFAULT_DEPARTURES + 123;
  const r = await generateCatalog({ shape: 'tour', format: 'xml', offers, out: join(dir, 't.xml') });
  assert.equal(r.offers, offers);
  assert.equal(r.products, 3);
  const { root, trips } = await readTrips(r.path);
  assert.equal(root.name, 'catalog');
  assert.equal(root.attributes['currency'], 'EUR');
  assert.ok((root.attributes['operator'] ?? '').includes('&'), 'the operator attribute is unescaped by the parser');
  assert.deepEqual(trips.map((trip) => child(trip, 'departures')?.children.length), [800, 800, 123]);

  const offerIds = new Set<string>();
  const codes = new Set<string>();
  for (const trip of trips) {
    const code = trip.attributes['code'] as string;
    assert.match(code, /^[A-Z]{3}-\d{6}$/);
    codes.add(code);
    for (const name of ['title', 'description', 'url', 'image', 'category']) assert.ok((child(trip, name)?.text ?? '') !== '', `${code} ${name}`);
    assert.match(child(trip, 'category')?.text ?? '', /^.+ > .+$/);
    const hotel = child(trip, 'hotel') as XmlElement;
    for (const a of ['id', 'name', 'stars', 'country', 'city']) assert.ok(hotel.attributes[a], `${code} hotel/@${a}`);
    for (const d of child(trip, 'departures')?.children ?? []) {
      assert.equal(d.name, 'departure');
      const { date, nights, room, board, price, seats } = d.attributes as Record<string, string>;
      assert.match(date ?? '', /^20\d{2}-\d{2}-\d{2}$/);
      assert.equal(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10), date);
      assert.ok(Number.isInteger(Number(nights)) && Number(nights) >= 1);
      assert.match(price ?? '', /^\d+\.\d{2}$/);
      assert.match(seats ?? '', /^\d$/);
      const id = `${code}-${date}-${nights}-${room}-${board}`;
      assert.ok(!offerIds.has(id), `duplicate offer id ${id}`);
      offerIds.add(id);
    }
  }
  assert.equal(codes.size, 3);
  assert.equal(offerIds.size, offers);
});

test('tour --trips and --departures set the layout; inconsistent counts are refused', async (t) => {
  const dir = await tempDir(t);
  const r = await generateCatalog({ shape: 'tour', format: 'xml', trips: 4, departures: 7, out: join(dir, 't.xml') });
  assert.equal(r.offers, 28);
  const { trips } = await readTrips(r.path);
  assert.deepEqual(trips.map((trip) => child(trip, 'departures')?.children.length), [7, 7, 7, 7]);

  assert.deepEqual(tourPlan(10, 3, undefined), { trips: 3, departuresPerTrip: 4, offers: 10 });
  assert.deepEqual(tourPlan(40_000_000, undefined, undefined), { trips: 50_000, departuresPerTrip: 800, offers: 40_000_000 });
  assert.throws(() => tourPlan(100, 2, 10), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'offers', value: 100 } });
  assert.throws(() => tourPlan(undefined, undefined, 5), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'offers', value: undefined } });
});
