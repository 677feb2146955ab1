// Regression: an item writer that mis-nests a tag, drops a repeated element or leaves an attribute
// unescaped produces a feed that does not parse; these tests parse what the writer wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sax from 'sax';
import { compileXmlItem, fillXmlTemplate, isXmlName, removeXmlForbidden } from '../../src/emit/index.js';

interface Parsed {
  name: string;
  text: string;
  attrs: Record<string, string>;
}

/** Children of each item element, in order, as sax sees them (namespaces declared on the root). */
function parseItems(doc: string, item: string): Parsed[][] {
  const parser = sax.parser(true, { xmlns: true });
  const items: Parsed[][] = [];
  let current: Parsed[] | undefined;
  let child: Parsed | undefined;
  parser.onopentag = (tag) => {
    if (tag.name === item) current = [];
    else if (current !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(tag.attributes)) if (!k.startsWith('xmlns')) attrs[k] = (v as sax.QualifiedAttribute).value;
      child = { name: tag.name, text: '', attrs };
    }
  };
  parser.ontext = (t) => {
    if (child) child.text += t;
  };
  parser.onclosetag = (name) => {
    if (name === item && current) {
      items.push(current);
      current = undefined;
    } else if (child && current) {
      current.push(child);
      child = undefined;
    }
  };
  parser.write(doc).close();
  return items;
}

const text = fc.string({ unit: fc.oneof(fc.constantFrom('&', '<', '>', '"', '\n', '\r', '\t', '\u0001', '&amp;', ' '), fc.string({ unit: 'grapheme', maxLength: 2 })), maxLength: 20 });

test('items written with the template writer parse back to the same values', () => {
  const write = compileXmlItem('item', [
    { name: 'g:id', attributes: [] },
    { name: 'g:additional_image_link', attributes: [] },
    { name: 'g:price', attributes: ['currency', 'unit'] },
  ]);
  fc.assert(
    fc.property(text, fc.array(text, { maxLength: 3 }), fc.option(text), text, (id, images, price, currency) => {
      const out = write([id, images, price ?? undefined], [undefined, undefined, [currency, 'x&y']]);
      const doc = `<rss xmlns:g="http://base.google.com/ns/1.0">${out}</rss>`;
      const [item] = parseItems(doc, 'item');
      const expected: Parsed[] = [
        { name: 'g:id', text: removeXmlForbidden(id), attrs: {} },
        ...images.map((v) => ({ name: 'g:additional_image_link', text: removeXmlForbidden(v), attrs: {} })),
      ];
      if (price !== null) expected.push({ name: 'g:price', text: removeXmlForbidden(price), attrs: { currency: removeXmlForbidden(currency), unit: 'x&y' } });
      assert.deepEqual(item, expected);
    }),
    { numRuns: 500 },
  );
});

test('indentation: item lines start with the indent, children two spaces deeper, one item per block', () => {
  const write = compileXmlItem('product', [{ name: 'title', attributes: [] }], '  ');
  assert.equal(write(['A&B'], [undefined]), '  <product>\n    <title>A&amp;B</title>\n  </product>\n');
  assert.equal(write([undefined], [undefined]), '  <product>\n  </product>\n');
});

test('header templates escape the values they are filled with', () => {
  assert.equal(fillXmlTemplate('<t a="{title}">{catalog}{unknown}</t>', { title: 'a"b<', catalog: 'x&y' }), '<t a="a&quot;b&lt;">x&amp;y</t>');
});

test('XML names: ASCII names with at most one prefix', () => {
  for (const ok of ['item', 'g:id', 'offer-id', 'Result', '_x.y']) assert.equal(isXmlName(ok), true, ok);
  for (const bad of ['', '1a', 'a b', 'a:b:c', '<a>', 'a"']) assert.equal(isXmlName(bad), false, bad);
});
