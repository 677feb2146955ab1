/**
 * The sax-driven XML engine: records collected whole with line and path, entities decoded, DOCTYPE
 * refused, malformed XML failing with its line. A regression shows as a lost record, a wrong path,
 * or an entity that expanded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XmlEngine } from '../../../src/ingest/xml/engine.js';
import type { ProfileSink, XmlMapper, XmlNode } from '../../../src/ingest/profile.js';
import type { RecordLocation } from '../../../src/model.js';
import { FeedmillError } from '../../../src/errors.js';

const nullSink: ProfileSink = { product: () => 0, offer: () => {}, standaloneOffer: () => {}, acceptWithoutOffer: () => {}, reject: () => {} };

function run(xml: string, chunk = 7): { root: string; records: { node: XmlNode; loc: RecordLocation }[] } {
  const records: { node: XmlNode; loc: RecordLocation }[] = [];
  let root = '';
  const mapper: XmlMapper = {
    isRecord: (name) => name === 'item',
    record: (node, loc) => records.push({ node, loc }),
  };
  const engine = new XmlEngine((name) => {
    root = name;
    return mapper;
  }, nullSink);
  for (let i = 0; i < xml.length; i += chunk) engine.push(xml.slice(i, i + chunk));
  engine.end();
  return { root, records };
}

test('records are collected whole, with line, path, decoded entities and CDATA', () => {
  const xml = `<?xml version="1.0"?>
<rss xmlns:g="http://base.google.com/ns/1.0"><channel><title>ignored</title>
<item><g:id>1</g:id><title>AT&amp;T &lt;5G&gt; &#233;</title></item>
<item>
  <g:id>2</g:id><description><![CDATA[<p>raw & html</p>]]></description>
  <g:shipping><g:country>FR</g:country><g:price>4.90 EUR</g:price></g:shipping>
</item>
</channel></rss>`;
  const { root, records } = run(xml);
  assert.equal(root, 'rss');
  assert.equal(records.length, 2);
  const [a, b] = records;
  assert.deepEqual(a?.loc, { line: 3, path: '/rss/channel/item[1]' });
  assert.equal(a?.node.children.find((c) => c.name === 'title')?.text, 'AT&T <5G> é');
  assert.deepEqual(b?.loc, { line: 4, path: '/rss/channel/item[2]' });
  assert.equal(b?.node.children.find((c) => c.name === 'description')?.text, '<p>raw & html</p>');
  const shipping = b?.node.children.find((c) => c.name === 'g:shipping');
  assert.deepEqual(shipping?.children.map((c) => [c.name, c.text]), [['g:country', 'FR'], ['g:price', '4.90 EUR']]);
});

test('a DOCTYPE is refused before any entity can expand', () => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><item>&lol2;</item></rss>';
  assert.throws(() => run(bomb), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_DOCTYPE');
  const external = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r><item>&x;</item></r>';
  assert.throws(() => run(external), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_DOCTYPE');
});

test('malformed XML fails with the line; undeclared entities are errors', () => {
  assert.throws(
    () => run('<rss>\n<item><a>1</b></item>\n</rss>'),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_MALFORMED' && e.details.line === 2,
  );
  // The most common feed mistake: the message says what to write instead, at the file's line (not saxes's own prefix).
  assert.throws(
    () => run('<rss>\n<item>&bull;</item></rss>'),
    (e: unknown) =>
      e instanceof FeedmillError &&
      e.code === 'FEEDMILL_XML_MALFORMED' &&
      e.details.line === 2 &&
      /^the XML is not well-formed at line 2, column \d+: an undefined entity: .*&nbsp;.*numeric reference \(&#160;\)/.test(e.message),
  );
  // A bare & makes saxes read an entity name to the end of the file; the error names the &'s line.
  assert.throws(
    () => run('<rss>\n<item><t>Ben & Jerry</t></item>\n<item><t>x</t></item>\n</rss>\n'),
    (e: unknown) =>
      e instanceof FeedmillError &&
      e.code === 'FEEDMILL_XML_MALFORMED' &&
      e.details.line === 2 &&
      /a & on line 2 starts an entity reference that no ';' ever ends .*write a bare & as &amp;$/.test(e.message),
  );
  assert.throws(
    () => run('\n\n<?xml version="1.0"?>\n<rss><item>x</item></rss>'),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_MALFORMED' && /remove what comes before <\?xml/.test(e.message),
  );
  assert.throws(() => run('<rss><item>x</item>'), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_MALFORMED');
  assert.throws(() => run('   '), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_MALFORMED');
});
