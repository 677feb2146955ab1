/**
 * Conformance: the XML engine (saxes) must give the same records as the same engine built on sax
 * (the reference library) — names, attributes, text, CDATA, nesting, lines and paths — for a corpus
 * and for random documents cut into random chunks; and it must refuse every document sax refuses.
 * A regression shows as a record, a line or a path differing from the sax engine's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XmlEngine } from '../../../src/ingest/xml/engine.js';
import type { ProfileSink, XmlMapper, XmlNode } from '../../../src/ingest/profile.js';
import type { RecordLocation } from '../../../src/model.js';
import { FeedmillError } from '../../../src/errors.js';
import { SaxReferenceEngine } from './sax-reference.js';

const nullSink: ProfileSink = { product: () => 0, offer: () => {}, standaloneOffer: () => {}, acceptWithoutOffer: () => {}, reject: () => {} };

type Outcome = { root: string; records: { node: XmlNode; loc: RecordLocation }[] } | { error: string };

function run(Engine: typeof XmlEngine | typeof SaxReferenceEngine, xml: string, cuts: number[]): Outcome {
  const records: { node: XmlNode; loc: RecordLocation }[] = [];
  let root = '';
  const mapper: XmlMapper = { isRecord: (name, depth) => name === 'item' && depth <= 2, record: (node, loc) => records.push({ node, loc }) };
  try {
    const engine = new Engine((name) => ((root = name), mapper), nullSink);
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      engine.push(xml.slice(at, c));
      at = c;
    }
    engine.push(xml.slice(at));
    engine.end();
    // saxes builds attribute maps without a prototype, sax with Object's: compare the data only.
    return JSON.parse(JSON.stringify({ root, records })) as Outcome;
  } catch (e) {
    assert.ok(e instanceof FeedmillError, `not a coded error: ${String(e)}`);
    return { error: e.code };
  }
}

const CORPUS = [
  '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n<title>t</title>\n<item><g:id>1</g:id><title>AT&amp;T &lt;x&gt; &#233;&#x20AC;</title></item>\n<item>\n<g:id>2</g:id>\n<description><![CDATA[<p>a & b</p>]]></description></item></channel></rss>',
  '<catalog currency="EUR"><item code="A" note="quote &quot; apos &apos; lt &lt;"><d date="2027-01-01" price="1.00"/><d/></item><!-- c --><?pi x?><item/></catalog>',
  '<r>\r\n<item a=\'single\'>line1\r\nline2</item>\n</r>',
  '<r><item><x>1</x><x>2</x></item><other><item>deep</item></other></r>',
];

/**
 * The one intended difference: XML 1.0 §2.11 turns literal CR LF and lone CR into LF before parsing;
 * saxes does, sax keeps the CR. (A CR written as &#xD; is kept by both, as the spec says.)
 */
function normalizeLineEnds(o: Outcome): Outcome {
  return JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v))) as Outcome;
}

test('corpus: the saxes engine gives the sax engine\'s records', () => {
  for (const xml of CORPUS) {
    const expected = normalizeLineEnds(run(SaxReferenceEngine, xml, []));
    assert.ok(!('error' in expected), xml);
    for (const cuts of [[], [1], [5, 17, 40], [...Array(20).keys()].map((i) => i * 7)]) {
      assert.deepEqual(run(XmlEngine, xml, cuts), expected, JSON.stringify({ xml, cuts }));
    }
  }
});

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\n', '\t', 'é', '漢', '&', '<', '>', '"', "'", ']'), maxLength: 12 });
const escapeText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const escapeAttr = (s: string) => escapeText(s).replaceAll('"', '&quot;').replaceAll('\n', '&#10;').replaceAll('\t', '&#9;');

interface Tree {
  name: string;
  attrs: [string, string][];
  parts: (string | { cdata: string } | Tree)[];
}
const name = fc.constantFrom('item', 'a', 'g:b', 'x-y', 'c.d');
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    name,
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('id', 'k', 'g:v'), text), { selector: (a) => a[0], maxLength: 2 }),
    parts: fc.array(fc.oneof({ depthSize: 'small' }, text, fc.record({ cdata: text.map((t) => t.replaceAll(']]>', '')) }), tie('tree')), { maxLength: 4 }),
  }),
})).tree;

function render(t: Tree): string {
  const attrs = t.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  const body = t.parts.map((p) => (typeof p === 'string' ? escapeText(p) : 'cdata' in p ? `<![CDATA[${p.cdata}]]>` : render(p))).join('');
  return `<${t.name}${attrs}>${body}</${t.name}>`;
}

test('random documents, random chunking: same records as the sax engine', () => {
  fc.assert(
    fc.property(fc.array(tree, { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (items, seeds) => {
      const xml = `<?xml version="1.0"?>\n<root>${items.map(render).join('\n')}</root>`;
      const cuts = seeds.map((s) => s % (xml.length + 1));
      assert.deepEqual(run(XmlEngine, xml, cuts), run(SaxReferenceEngine, xml, []));
    }),
    { numRuns: 300 },
  );
});

test('damaged documents: whatever sax refuses, the saxes engine refuses too', () => {
  fc.assert(
    fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom('delete', 'insert<', 'insert&'), (items, at, how) => {
      const good = `<root>${items.map(render).join('')}</root>`;
      const i = at % good.length;
      const xml = how === 'delete' ? good.slice(0, i) + good.slice(i + 1) : good.slice(0, i) + (how === 'insert<' ? '<' : '&') + good.slice(i);
      const reference = run(SaxReferenceEngine, xml, []);
      const ours = run(XmlEngine, xml, []);
      if ('error' in reference) assert.ok('error' in ours, `sax refused but saxes accepted: ${JSON.stringify(xml)}`);
      else if (!('error' in ours)) assert.deepEqual(ours, reference, JSON.stringify(xml));
    }),
    { numRuns: 600 },
  );
});

test('DOCTYPE and undeclared entities are refused by both', () => {
  for (const xml of ['<!DOCTYPE r [<!ENTITY a "b">]><r><item>&a;</item></r>', '<r><item>&bull;</item></r>']) {
    const ref = run(SaxReferenceEngine, xml, []);
    const ours = run(XmlEngine, xml, []);
    assert.ok('error' in ref && 'error' in ours, xml);
    assert.equal(ours.error, ref.error, xml);
  }
});
