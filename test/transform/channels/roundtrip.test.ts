// Regression: a channel whose rendered values do not read back as the cleaned input (an escape
// missed, a delimiter unquoted, a tab left in a TSV cell) publishes a feed the marketplace
// mis-parses. Render random items → parse the feed with sax / csv-parse → compare; and the
// validator (`check`) must accept what the renderer wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import {
  cleanText,
  compileChannel,
  listChannels,
  loadChannel,
  readFeedRecords,
  truncateAtWord,
  type CompiledChannel,
  type FeedRecord,
  type Item,
} from '../../../src/transform/index.js';
import { parseShippingEntry, shippingFromMinor, shippingText } from '../../../src/transform/channels/shipping.js';
import { shippingEntries } from '../../../src/model.js';
import { merchantItem } from './items.js';

const CTX = { catalog: 'c', generatedAt: '2026-01-01T00:00:00.000Z' };

const nastyText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\r\n', '\n', '\t', ',', ';', '|', ' ', '  ', 'AT&amp;T', '&lt;b&gt;', '<b>', '</p>', '\u0000', '\u0008', '\ufffe', '\ud800', '😀', 'é', '\u00a0', '日本') },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
  ),
  minLength: 1,
  maxLength: 60,
});

const itemArb: fc.Arbitrary<Item> = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
    title: nastyText,
    description: nastyText,
    brand: fc.option(nastyText),
    color: fc.option(nastyText),
    price: fc.integer({ min: 2, max: 10_000_000 }),
    sale: fc.option(fc.integer({ min: 1, max: 10_000_000 })),
    currency: fc.constantFrom('EUR', 'JPY', 'KWD', 'USD'),
    // Shipping entries as a Google feed gives them, with text to escape in the service name.
    shipping: fc.option(
      fc.array(
        fc.record({ country: fc.constantFrom('', 'FR', 'us'), region: fc.constantFrom('', 'CA', '02*'), service: nastyText, price: fc.constantFrom('0', '12', '7 USD') }),
        { minLength: 1, maxLength: 3 },
      ),
    ),
  })
  .map(({ sale, shipping, ...r }) =>
    merchantItem({
      ...r,
      salePrice: sale === null ? null : Math.min(sale, r.price - 1),
      gtin: null,
      attrs: shipping === null ? {} : { shipping: shipping.map((e) => `${e.country}:${e.region}:${e.service}:${e.price}`).join(',') },
    }),
  );

/** The entries a shipping field must read back as: the valid ones of the item, in the text form. */
function expectedShipping(item: Item): string[] {
  const raw = item.attrs.shipping;
  if (raw === undefined) {
    const e = item.shippingPrice === null ? 'none' : shippingFromMinor(item.shippingPrice, item.currency);
    return typeof e === 'string' ? [] : [shippingText(e)];
  }
  const pieces = shippingEntries(raw);
  const out: string[] = [];
  for (const piece of pieces) {
    if (piece.trim() === '') continue;
    const e = parseShippingEntry(piece.trim(), item.currency);
    if (typeof e !== 'string') out.push(shippingText(e));
  }
  return out;
}

async function records(c: CompiledChannel, feed: string): Promise<FeedRecord[]> {
  const out: FeedRecord[] = [];
  for await (const r of readFeedRecords(Readable.from([Buffer.from(feed, 'utf8')]), c)) out.push(r);
  return out;
}

/** What a text field must read back as: cleaned per its kind, then truncated if the channel allows. */
function expectedText(c: CompiledChannel, name: string, raw: string | null): string | undefined {
  const f = c.definition.fields.find((x) => x.name === name);
  assert.ok(f, name);
  if (raw === null) return undefined;
  let s = cleanText(raw, f.kind === 'html-free' ? 'strip' : 'keep');
  if (f.maxLength !== undefined) s = truncateAtWord(s, f.maxLength);
  if (c.format === 'tsv') s = s.replace(/[\t\r\n]/g, ' ');
  return s === '' ? undefined : s;
}

for (const name of ['google-shopping', 'google-shopping-tsv', 'meta', 'microsoft', 'idealo', 'kelkoo', 'generic-csv']) {
  test(`${name}: rendered items parse back to their cleaned values and pass the channel's own check`, async () => {
    const c = compileChannel(loadChannel(name));
    const names = {
      title: c.definition.fields.find((f) => f.source?.[0] === 'title')?.name,
      brand: c.definition.fields.find((f) => f.source?.[0] === 'brand')?.name,
      color: c.definition.fields.find((f) => f.source?.[0] === 'color')?.name,
    };
    const shippingField = c.definition.fields.find((f) => f.kind === 'shipping')?.name;
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { minLength: 1, maxLength: 5 }), async (items) => {
        let feed = c.header(CTX);
        const written: Item[] = [];
        for (const item of items) {
          const r = c.render(item);
          if (r.ok) {
            feed += r.text;
            written.push(item);
          }
        }
        feed += c.footer(CTX);
        const back = await records(c, feed);
        assert.equal(back.length, written.length);
        back.forEach((rec, i) => {
          const item = written[i] as Item;
          if (c.idField !== undefined) assert.equal(rec.get(c.idField)?.[0], item.id);
          for (const [key, out] of Object.entries(names)) {
            if (out === undefined) continue;
            const got = rec.get(out)?.[0];
            assert.equal(got === '' ? undefined : got, expectedText(c, out, item[key as 'title' | 'brand' | 'color']), `${out} of ${JSON.stringify(item[key as 'title'])}`);
          }
          if (shippingField !== undefined) {
            const got = rec.get(shippingField) ?? [];
            const want = expectedShipping(item);
            assert.deepEqual(c.format === 'xml' ? got : got.filter((v) => v !== ''), c.format === 'xml' ? want : want.length === 0 ? [] : [want.join(',')], shippingField);
          }
          const checked = c.check(rec);
          assert.equal(checked.ok, true, JSON.stringify(checked));
        });
      }),
      { numRuns: 150 },
    );
  });
}

test('every shipped channel: the golden-style sample renders, reads back and checks clean', async () => {
  for (const def of listChannels()) {
    const c = compileChannel(def);
    const r = c.render(def.name === 'google-hotel-prices' ? merchantItem({ departureDate: '2027-05-01', nights: 7, attrs: { hotel_id: 'H' } }) : merchantItem());
    assert.ok(r.ok, def.name);
    const back = await records(c, c.header(CTX) + r.text + c.footer(CTX));
    assert.equal(back.length, 1, def.name);
    assert.deepEqual(c.check(back[0] as FeedRecord), { ok: true, text: '', warnings: [] }, def.name);
  }
});
