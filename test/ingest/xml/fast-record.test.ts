// The fast record path against saxes, the reference. A regression shows as a tree that differs from
// saxes's (a name, an attribute, a text, a line), as a malformed record the fast path accepted, or
// as the fast path bailing out on the plain records it exists for (it would then be dead code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isFeedmillError } from '../../../src/errors.js';
import type { XmlNode } from '../../../src/ingest/profile.js';
import { parseRecordFast } from '../../../src/ingest/xml/fast-record.js';
import { parseRecord, parseRecordWithSaxes } from '../../../src/ingest/xml/record-tree.js';
import { generateCatalog } from '../../../bench/generate/index.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** saxes's tree, or 'error' when saxes refuses the record. */
function reference(text: string, line: number): XmlNode | 'error' {
  try {
    return parseRecordWithSaxes(text, line, '/rss/channel/item[1]');
  } catch (e) {
    if (isFeedmillError(e) && e.code === 'FEEDMILL_XML_MALFORMED') return 'error';
    throw e;
  }
}

/** The property: the fast path bails out, or builds exactly saxes's tree. */
function agrees(text: string, line: number): 'fast' | 'bail' {
  const fast = parseRecordFast(text, line);
  if (fast === undefined) return 'bail';
  const ref = reference(text, line);
  assert.notEqual(ref, 'error', `the fast path accepted a record saxes refuses: ${JSON.stringify(text)}`);
  assert.deepStrictEqual(fast, ref, JSON.stringify(text));
  return 'fast';
}

test('plain records take the fast path and give saxes\'s tree, lines included', () => {
  const record = [
    '<item>',
    '<g:id>A-1</g:id>',
    '<title>Caf\u00e9 &amp; th\u00e9 &lt;bio&gt; &#233;&#xE9; "ok" \'ok\'</title>',
    '<description><![CDATA[<p>Robe <b>lin</b></p>]]> et <!-- note --> suite</description>',
    '<g:shipping>',
    '  <g:country>FR</g:country><g:price>4.90 EUR</g:price>',
    '</g:shipping>',
    '<link rel="alternate" href=\'https://x.example/?a=1&amp;b=2\' />',
    '<empty></empty>',
    '</item>',
  ].join('\n');
  assert.equal(agrees(record, 41), 'fast');
  const tree = parseRecordFast(record, 41) as XmlNode;
  assert.equal(tree.line, 41);
  assert.deepEqual(
    tree.children.map((c) => [c.name, c.line]),
    [['g:id', 42], ['title', 43], ['description', 44], ['g:shipping', 45], ['link', 48], ['empty', 49]],
  );
  assert.equal(tree.children[1]?.text, 'Caf\u00e9 & th\u00e9 <bio> \u00e9\u00e9 "ok" \'ok\'');
  assert.equal(tree.children[2]?.text, '<p>Robe <b>lin</b></p> et  suite');
  assert.deepEqual({ ...tree.children[4]?.attrs }, { rel: 'alternate', href: 'https://x.example/?a=1&b=2' });
  // A start tag over several lines: its line is the line of its '>', as saxes reports it.
  assert.equal(agrees('<item\n  id="1"\n>\n<a\n/></item>', 7), 'fast');
  // Blanks before the record belong to no node.
  assert.equal(agrees('\n  \n<item><a>1</a></item>', 3), 'fast');
});

test('CR LF and lone CR read as one LF each, as saxes reads them: a Windows export takes the fast path too', () => {
  const record = '<item>\r\n<g:id>A-1</g:id>\r\n<title>deux\r\nlignes\rtrois</title>\r<link\r\n href="x"/>\r\n</item>';
  assert.equal(agrees(record, 9), 'fast');
  const tree = parseRecordFast(record, 9) as XmlNode;
  assert.deepEqual(tree.children.map((c) => [c.name, c.line]), [['g:id', 10], ['title', 11], ['link', 15]]);
  assert.equal(tree.children[1]?.text, 'deux\nlignes\ntrois');
  // A character reference is not a line end: it stays a CR.
  assert.equal(agrees('<item><a>x&#13;y</a></item>', 1), 'fast');
  assert.equal((parseRecordFast('<item><a>x&#13;y</a></item>', 1) as XmlNode).children[0]?.text, 'x\ry');
});

test('what the fast path leaves to saxes: PIs, DOCTYPE, unknown entities, non-ASCII names, normalised attributes', () => {
  for (const text of [
    '<item><?pi x?></item>',
    '<item><!DOCTYPE x></item>',
    '<item><a>&eacute;</a></item>',
    '<item><caf\u00e9>1</caf\u00e9></item>',
    '<item a="x\ty"/>',
    '<item><a>\ud83d\ude00</a></item>',
    '<!-- before --><item/>',
  ]) {
    assert.equal(parseRecordFast(text, 1), undefined, JSON.stringify(text));
    // The caller's answer is still saxes's: a tree, or the coded error.
    const ref = reference(text, 1);
    if (ref === 'error') assert.throws(() => parseRecord(text, 1, 'p'), { code: 'FEEDMILL_XML_MALFORMED' });
    else assert.deepStrictEqual(parseRecord(text, 1, 'p'), ref);
  }
});

test('malformed records are never accepted: every damage either bails out or saxes agrees', () => {
  for (const text of [
    '<item><a>1</b></item>',
    '<item><a>1</a>',
    '<item><a>1</a></item><item/>',
    '<item><a>1 & 2</a></item>',
    '<item><a>1 ]]> 2</a></item>',
    '<item a="1" a="2"/>',
    '<item a="1"b="2"/>',
    '<item a=1/>',
    '<item a="<"/>',
    '<item><a>&#0;</a></item>',
    '<item><a>&#xD800;</a></item>',
    '<item><!-- a -- b --></item>',
    '<item><![CDATA[x]></item>',
    '<item>\u0001</item>',
    '<1item/>',
    '<item></ item>',
    '<item/ >',
  ]) {
    assert.equal(parseRecordFast(text, 1), undefined, JSON.stringify(text));
    assert.equal(reference(text, 1), 'error', JSON.stringify(text));
  }
});

// Records from pieces that are mostly right and sometimes wrong, so that both the accepted and the
// bailed-out sides are explored.
/** Mostly what the fast path handles, sometimes what it must leave to saxes or refuse. */
const mostly = <T,>(good: T[], bad: T[]) => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const textUnit = mostly(
  ['a', 'Z', ' ', '\n', '\t', '\r\n', '\r', '\u00e9', '\u6f22', '&amp;', '&lt;', '&#233;', '&#13;', '&#x1F600;', '>', '"', "'", ']', ']]'],
  ['&', '<', '&#1;', '&nbsp;', '\u0002', '\ud800', ']]>'],
);
const text = fc.array(textUnit, { maxLength: 6 }).map((a) => a.join(''));
const name = mostly(['item', 'a', 'g:b', 'x-y', 'c.d', '_', 'n1'], ['1n', '-x', 'caf\u00e9']);
const blank = mostly(['', ' ', '\n', '\t', '  ', '\r\n'], ['\r']);
const attr = fc
  .tuple(mostly(['id', 'k', 'g:v', 'x-y', '__proto__', 'toString'], ['1', 'a b']), blank, fc.constantFrom('"', "'"), text)
  .map(([n, b, q, v]) => ` ${n}${b}=${b}${q}${v.replaceAll(q, '')}${q}`);
type Tree = { name: string; attrs: string[]; parts: (string | Tree | { cdata: string } | { comment: string })[]; end: string };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    name,
    attrs: fc.array(attr, { maxLength: 3 }),
    parts: fc.array(
      fc.oneof({ depthSize: 'small' }, text, fc.record({ cdata: text }), fc.record({ comment: text }), tie('tree')),
      { maxLength: 4 },
    ),
    end: blank,
  }),
})).tree;

function render(t: Tree): string {
  const inner = t.parts
    .map((p) => (typeof p === 'string' ? p : 'cdata' in p ? `<![CDATA[${p.cdata}]]>` : 'comment' in p ? `<!--${p.comment}-->` : render(p)))
    .join('');
  const open = `<${t.name}${t.attrs.join('')}`;
  return inner === '' && t.end === '' ? `${open}/>` : `${open}>${inner}</${t.name}${t.end}>`;
}

test('property: on random records the fast path bails out or builds saxes\'s exact tree', () => {
  let fast = 0;
  let runs = 0;
  fc.assert(
    fc.property(blank, tree, fc.nat({ max: 5000 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '<', '>', '&', '/', '"', '</a>', '<a>', ']]>', '\u0000')), { maxLength: 1 }), (lead, t, line, damage) => {
      let s = lead + render(t);
      for (const [at, what] of damage) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + what + s.slice(i + (what === '' ? 1 : 0));
      }
      runs++;
      if (agrees(s, line + 1) === 'fast') fast++;
    }),
    { numRuns: 3000 },
  );
  // Not a test that cannot fail: a good share of the random records must go the fast way.
  assert.ok(fast > runs / 10, `only ${fast} of ${runs} random records took the fast path`);
});

test('the generated Google feed: every item takes the fast path and equals saxes\'s tree', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-fast-record-'));
  try {
    const out = join(dir, 'feed.xml');
    await generateCatalog({ shape: 'merchant', format: 'xml', offers: 400, out });
    const xml = readFileSync(out, 'utf8');
    let items = 0;
    for (let i = xml.indexOf('<item>'); i >= 0; i = xml.indexOf('<item>', i + 1)) {
      const end = xml.indexOf('</item>', i) + '</item>'.length;
      const line = xml.slice(0, i).split('\n').length;
      assert.equal(agrees(xml.slice(i, end), line), 'fast');
      items++;
    }
    assert.equal(items, 400);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
