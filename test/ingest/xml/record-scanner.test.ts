/**
 * XmlRecordScanner must find exactly the records saxes finds: fed the outer bytes, with each record
 * reported in its place (`XmlEngine.scannedRecord`), the XML engine must report the same records,
 * lines and paths as on the original text, and each record's bytes must be the record element as
 * written. The oracle is the engine itself (forward mode), not a second state machine. On damaged
 * documents, whatever the engine refuses must be caught somewhere: by the scanner, by saxes on the
 * outer bytes, or by saxes on a record's own bytes (as a shard thread parses them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { XmlRecordScanner, type ScannedRecord, type ScanOutput } from '../../../src/ingest/xml/record-scanner.js';
import { XmlEngine } from '../../../src/ingest/xml/engine.js';
import type { ProfileSink, XmlMapper } from '../../../src/ingest/profile.js';
import { FeedmillError } from '../../../src/errors.js';

const nullSink: ProfileSink = { product: () => 0, offer: () => {}, standaloneOffer: () => {}, acceptWithoutOffer: () => {}, reject: () => {} };
const mapper = (): XmlMapper => ({ isRecord: (name, depth) => depth === 2 && name === 'item', record() {} });
const isMalformed = (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_XML_MALFORMED';

interface Located {
  line: number;
  path: string;
}

/** A record the scanner took out of the stream, as the ingest loop reports it to the engine. */
type Scanned = ScannedRecord & { kind: 'record' };

/**
 * The engine in forward mode over `texts`: each record's (line, path) and forwarded text, or the
 * error. With `onRoot` (the scanner's caller), records come as `Scanned` marks in scanned mode.
 */
function forward(texts: Iterable<string | Scanned>, onRoot?: (m: XmlMapper) => void): { records: Located[]; texts: string[]; error?: unknown } {
  const records: Located[] = [];
  const out: string[] = [];
  const engine: XmlEngine = new XmlEngine((): XmlMapper => {
    const m = mapper();
    engine.forwardRecords({ record: (text, line, path) => (records.push({ line, path }), out.push(text)) }, onRoot === undefined ? 'text' : 'scanned');
    onRoot?.(m);
    return m;
  }, nullSink);
  try {
    for (const t of texts) {
      if (typeof t === 'string') engine.push(t);
      else engine.scannedRecord(t);
    }
    engine.end();
    return { records, texts: out };
  } catch (error) {
    return { records, texts: out, error };
  }
}

/** Byte pieces of `bytes` cut at `cuts` (any positions, even inside a UTF-8 character). */
function pieces(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

interface Reduced {
  outputs: ScanOutput[];
  /** The scanner's error, if it threw. */
  scanError?: unknown;
  /** The engine over the outer bytes and the scanned records. */
  engine: { records: Located[]; error?: unknown };
}

/**
 * The caller's loop: scanner outputs go to the engine (outer bytes decoded, records as marks), and
 * the engine's root handler sets the record test before the scanner goes on.
 */
function runReduced(bytes: Buffer, cuts: number[], maxRecordBytes?: number): Reduced {
  const scanner = new XmlRecordScanner(maxRecordBytes);
  const outputs: ScanOutput[] = [];
  const decoder = new StringDecoder('utf8');
  const stream: string[] = [];
  let scanError: unknown;
  // The engine is driven lazily (a generator) so that its root handler runs between two next() calls.
  function* texts(): Generator<string | Scanned> {
    const drain = function* (): Generator<string | Scanned> {
      for (;;) {
        let o: ScanOutput | undefined;
        try {
          o = scanner.next();
        } catch (e) {
          scanError = e;
          return;
        }
        if (o === undefined) return;
        outputs.push(o);
        if (o.kind === 'record') {
          yield o;
          continue;
        }
        const t = decoder.write(o.bytes);
        stream.push(t);
        yield t;
      }
    };
    for (const piece of pieces(bytes, cuts)) {
      scanner.push(piece);
      yield* drain();
      if (scanError !== undefined) return;
    }
    scanner.end();
    yield* drain();
    if (scanError === undefined) yield decoder.end();
  }
  const engine = forward(texts(), (m) => scanner.setRecordTest(m.isRecord));
  return { outputs, scanError, engine };
}

/** Saxes on a record's own bytes inside a synthetic root, as a shard thread parses it: one element, well-formed. */
function recordParses(bytes: Buffer): boolean {
  const p = new SaxesParser({ xmlns: false });
  let failed = false;
  let depth = 0;
  let elements = 0;
  p.on('error', () => {
    failed = true;
  });
  p.on('opentag', () => {
    if (depth++ === 1) elements++;
  });
  p.on('closetag', () => void depth--);
  p.write('<xml-feedmill-batch>').write(bytes.toString('utf8')).write('</xml-feedmill-batch>').close();
  return !failed && elements === 1;
}

/** The input as the outputs hold it: outer bytes, and each record's skipped blanks then its bytes. */
function concatAll(outputs: ScanOutput[]): Buffer {
  return Buffer.concat(outputs.flatMap((o) => (o.kind === 'record' ? [o.gap, o.bytes] : [o.bytes])));
}

// ---------------------------------------------------------------------------------------------
// Random Google-RSS-like documents.

const nl = fc.constantFrom('\n', '\r\n', '\r');
const blank = fc.array(fc.constantFrom(' ', '\t', '\n', '\r\n', '\r'), { maxLength: 3 }).map((a) => a.join(''));
const join = (units: string[], maxLength = 8) => fc.array(fc.constantFrom(...units), { maxLength }).map((a) => a.join(''));
const text = join(['a', 'Z', ' ', 'é', '漢', '😀', '&amp;', '&lt;', '&#233;', '>', '"', "'", '\n', '\r\n', '\r']);
const commentText = join(['x', ' ', '<item>', '</item>', '<', '>', '&', '\r\n', '\r']);
const cdataText = join(['x', ']', ']]', '>', '<item>', '</item>', '&', '\r\n', '\n']).map((t) => {
  while (t.includes(']]>')) t = t.replaceAll(']]>', ']] >');
  return t;
});
const attrSep = fc.constantFrom(' ', '\n', '\r\n', '\r', '\t');
const attrs = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom('id', 'g:v', 'note', 'x-y'),
      fc.oneof(join(['x', ' ', '>', '/>', "'", 'é', '&quot;', '/'], 5).map((v) => `"${v}"`), join(['x', ' ', '>', '"', '/'], 5).map((v) => `'${v}'`)),
      attrSep,
    ),
    { selector: (a) => a[0], maxLength: 3 },
  )
  .map((list) => list.map(([k, v, s]) => `${s}${k}=${v}`).join(''));
const endBlank = fc.constantFrom('', '', ' ', '\n', '\r\n');

const child = fc.oneof(
  fc.tuple(text).map(([t]) => `<g:id>${t}</g:id>`),
  fc.tuple(attrs, text, endBlank).map(([a, t, b]) => `<g:title${a}>${t}</g:title${b}>`),
  fc.tuple(nl, nl).map(([a, b]) => `<g:shipping>${a}<g:country>FR</g:country>${b}<g:price>4.90 EUR</g:price></g:shipping>`),
  commentText.map((t) => `<!--${t}-->`),
  cdataText.map((t) => `<description><![CDATA[${t}]]></description>`),
  fc.constant('<?pi </item> <item> ?>'),
  fc.tuple(attrs).map(([a]) => `<g:flag${a}/>`),
  fc.constant('<sub><item>deep</item></sub>'),
  blank,
  text,
);
const item = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(attrs, fc.array(child, { maxLength: 6 }), endBlank).map(([a, c, b]) => `<item${a}>${c.join('')}</item${b}>`) },
  { weight: 1, arbitrary: fc.tuple(attrs, fc.constantFrom('', ' ')).map(([a, b]) => `<item${a}${b}/>`) },
);
const between = fc.oneof(
  blank,
  commentText.map((t) => `<!--${t}-->`),
  text.map((t) => `<title>${t}</title>`),
  fc.constant('<other a=">"><item>not a record</item></other>'),
  fc.constant('<link><![CDATA[<item>]]></link>'),
  fc.constant('<?pi <item>?>'),
  fc.constant('<empty/>'),
);

interface Doc {
  xml: string;
  /** The record elements (items at depth 2), in order. */
  items: string[];
}

const doc: fc.Arbitrary<Doc> = fc
  .tuple(
    fc.boolean(),
    nl,
    fc.array(fc.tuple(between, fc.option(item, { nil: undefined })), { maxLength: 8 }),
    blank,
    fc.constantFrom('', '\n', '<!-- end -->\r\n'),
    // The records' parent may bear their own name: records are told by depth, and a cut that took
    // the last `</item` before the next `<item` would swallow the parent's end tag.
    fc.constantFrom('channel', 'channel', 'item', 'items'),
  )
  .map(([decl, n, parts, tail, trailer, parent]) => {
    const items = parts.flatMap(([, i]) => (i === undefined ? [] : [i]));
    const body = parts.map(([b, i]) => b + (i ?? '')).join('');
    const wrapped = parent === 'channel' ? `<channel>${body}${tail}</channel>` : `<${parent}>${body}${tail}</${parent}>${n}<${parent}>${tail}</${parent}>`;
    const xml = `${decl ? `<?xml version="1.0" encoding="UTF-8"?>${n}` : ''}<!-- <item> -->${n}<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">${n}${wrapped}${n}</rss>${trailer}`;
    return { xml, items };
  });

const cuts = fc.array(fc.nat(), { maxLength: 12 });

test('random well-formed documents, random chunkings: lossless, and the records, lines and paths of saxes', () => {
  fc.assert(
    fc.property(doc, cuts, ({ xml, items }, cutSeeds) => {
      const bytes = Buffer.from(xml);
      const original = forward([xml]);
      assert.equal(original.error, undefined, JSON.stringify(xml));
      assert.equal(original.records.length, items.length);

      const r = runReduced(bytes, cutSeeds);
      assert.equal(r.scanError, undefined, JSON.stringify(xml));
      assert.equal(r.engine.error, undefined, JSON.stringify(xml));
      assert.ok(concatAll(r.outputs).equals(bytes), `lossless: ${JSON.stringify(xml)}`);
      assert.deepEqual(r.engine.records, original.records, JSON.stringify(xml));

      const records = r.outputs.filter((o) => o.kind === 'record');
      assert.deepEqual(records.map((o) => o.bytes.toString('utf8')), items, JSON.stringify(xml));
      records.forEach((o, i) => {
        const forwarded = original.texts[i] as string;
        const text = o.bytes.toString('utf8');
        // The engine's forwarded text may start earlier (blanks, comments): the record is its suffix.
        assert.ok(text.startsWith('<item') && forwarded.endsWith(text), JSON.stringify({ forwarded, text }));
        assert.ok(recordParses(o.bytes), text);
      });
    }),
    { numRuns: 250 },
  );
});

const damage = fc.constantFrom('</item>', '<item>', '</x>', '<x>', '<', '>', '"', "'", '/', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '&bull;', '&', '\u0001', 'é', ' ', '</channel>', '<!DOCTYPE x>');

test('damaged documents: whatever the engine refuses is caught by the scanner, saxes on the outer bytes, or a record parse', () => {
  let refused = 0;
  fc.assert(
    fc.property(
      doc,
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.option(damage, { nil: undefined })), { minLength: 1, maxLength: 3 }),
      cuts,
      ({ xml: good }, edits, cutSeeds) => {
        let xml = good;
        for (const [at, del, ins] of edits) {
          const i = at % (xml.length + 1);
          xml = xml.slice(0, i) + (ins ?? '') + xml.slice(i + del);
        }
        const bytes = Buffer.from(xml);
        // The document is the bytes (an edit may have split a surrogate pair: it encodes as U+FFFD).
        const original = forward([bytes.toString('utf8')]);
        const r = runReduced(bytes, cutSeeds);
        if (r.scanError !== undefined) assert.ok(isMalformed(r.scanError), String(r.scanError));
        // Lossless up to where the scan stopped.
        assert.ok(bytes.subarray(0, concatAll(r.outputs).length).equals(concatAll(r.outputs)), JSON.stringify(xml));
        const recordsOk = r.outputs.every((o) => o.kind === 'outer' || recordParses(o.bytes));
        const caught = r.scanError !== undefined || r.engine.error !== undefined || !recordsOk;
        if (original.error !== undefined) {
          refused++;
          assert.ok(caught, `the engine refuses it, nothing else does: ${JSON.stringify(xml)}`);
        } else {
          // A well-formed document (the damage was harmless): full agreement.
          assert.ok(!caught, `the engine accepts it, but: ${String(r.scanError ?? r.engine.error ?? 'a record parse failed')} ${JSON.stringify(xml)}`);
          assert.deepEqual(r.engine.records, original.records, JSON.stringify(xml));
          assert.ok(concatAll(r.outputs).equals(bytes));
        }
      },
    ),
    { numRuns: 500 },
  );
  assert.ok(refused > 100, `only ${refused} damaged documents were refused`);
});

// ---------------------------------------------------------------------------------------------
// Hand-written cases.

/** All outputs for `xml` pushed in `step`-byte pieces, the record test set from the start. */
function scanAll(xml: string | Buffer, step = Infinity, opts: { maxRecordBytes?: number; test?: boolean } = {}): ScanOutput[] {
  const bytes = typeof xml === 'string' ? Buffer.from(xml) : xml;
  const s = new XmlRecordScanner(opts.maxRecordBytes);
  if (opts.test !== false) s.setRecordTest(mapper().isRecord);
  const out: ScanOutput[] = [];
  const drain = () => {
    for (let o = s.next(); o !== undefined; o = s.next()) out.push(o);
  };
  for (let i = 0; i < bytes.length; i += Math.min(step, bytes.length)) {
    s.push(bytes.subarray(i, i + step));
    drain();
  }
  s.end();
  drain();
  return out;
}

/** Each record's bytes, name, and newlines (in its start tag, in all). */
const recordsOf = (out: ScanOutput[]) => out.flatMap((o) => (o.kind === 'record' ? [[o.bytes.toString(), o.name, o.tagLines, o.lines] as const] : []));
const wrap = (items: string) => `<rss><channel>${items}</channel></rss>`;

test('an attribute value holding > in a record start tag', () => {
  const rec = `<item a="x>y" b='>"/>'><g:id>1</g:id></item>`;
  const out = scanAll(wrap(rec));
  assert.deepEqual(recordsOf(out), [[rec, 'item', 0, 0]]);
  for (const step of [1, 2, 3, 7]) assert.deepEqual(recordsOf(scanAll(wrap(rec), step)), recordsOf(out), `step ${step}`);
});

test('a comment holding </item>, a CDATA section holding <item>, a PI holding </item>', () => {
  const a = '<item><!-- </item> --><g:id>1</g:id></item>';
  const b = '<item><d><![CDATA[<item>x</item><item>]]></d></item>';
  const c = '<item><?pi </item>?></item>';
  for (const step of [Infinity, 1, 5]) {
    assert.deepEqual(recordsOf(scanAll(wrap(`${a}\n${b}<!-- <item> -->${c}`), step)), [[a, 'item', 0, 0], [b, 'item', 0, 0], [c, 'item', 0, 0]]);
  }
});

test('the shortcut: a record is cut at its own end tag at once when nothing before it could hide or nest one', () => {
  // The walk over inner tags would take `</item>` as the end of <a> and go on; the shortcut cuts
  // there, and the shard's parse of `<item><a></item>` fails the load (a validating pass then
  // reports saxes's error). So this record shows the shortcut was taken.
  assert.deepEqual(recordsOf(scanAll('<rss><channel><item><a></item><item/></channel></rss>')).map((r) => r[0]), ['<item><a></item>', '<item/>']);
  // Also past CDATA sections and comments, which it steps over whole: an end tag inside them is text.
  // (All bytes at hand: fed in small steps, the walk may run instead, as the test above notes.)
  const hidden = '<item><d><![CDATA[</item> <!-- ]]></d><!-- </item> --><a></item>';
  assert.deepEqual(recordsOf(scanAll(`<rss><channel>${hidden}<item/></channel></rss>`)).map((r) => r[0]), [hidden, '<item/>']);
  // Names that merely start like the record's do not stop it; a nested <item> sends the scan the walk's way.
  const similar = '<item><items>x</items><item_group_id>1</item_group_id></item >';
  const nested = '<item><sub><item>deep</item></sub><item/></item>';
  for (const step of [Infinity, 1, 3, 8]) {
    assert.deepEqual(recordsOf(scanAll(wrap(`${similar}${nested}${similar}`), step)).map((r) => r[0]), [similar, nested, similar], `step ${step}`);
  }
});

test('a record pushed one byte at a time: outer bytes go out early, the record once whole', () => {
  const rec = '<item id="é">\r\n<g:title>漢字 😀</g:title>\n<g:shipping><g:price>1</g:price></g:shipping></item>';
  const xml = `<rss>\n<channel>\n${rec}\n</channel></rss>`;
  const bytes = Buffer.from(xml);
  const s = new XmlRecordScanner();
  s.setRecordTest(mapper().isRecord);
  const out: ScanOutput[] = [];
  let emittedBeforeRecord = 0;
  for (let i = 0; i < bytes.length; i++) {
    s.push(bytes.subarray(i, i + 1));
    for (let o = s.next(); o !== undefined; o = s.next()) out.push(o);
    if (i === bytes.indexOf('<item') - 1) emittedBeforeRecord = concatAll(out).length;
  }
  s.end();
  for (let o = s.next(); o !== undefined; o = s.next()) out.push(o);
  assert.equal(emittedBeforeRecord, bytes.indexOf('<item')); // nothing held back before the record
  assert.ok(concatAll(out).equals(bytes));
  assert.deepEqual(recordsOf(out), [[rec, 'item', 0, 2]]);
});

test('a large record over many chunks', () => {
  const body = '<g:title a="&gt;">x\r\n</g:title><!-- c -->'.repeat(20000);
  const rec = `<item>${body}</item>`;
  const out = scanAll(wrap(rec), 997);
  assert.equal(recordsOf(out).length, 1);
  assert.equal(recordsOf(out)[0]?.[0], rec);
  assert.deepEqual(recordsOf(out)[0]?.slice(1), ['item', 0, 20000]);
});

test('the root start tag is emitted alone; records are recognised only once the test is set', () => {
  const xml = '<?xml version="1.0"?>\n<rss a=">">\n<channel><item>1</item><item>2</item></channel></rss>';
  const s = new XmlRecordScanner();
  s.push(Buffer.from(xml));
  assert.equal(s.next()?.bytes.toString(), '<?xml version="1.0"?>\n<rss a=">">');
  s.setRecordTest(mapper().isRecord);
  s.end();
  const rest: ScanOutput[] = [];
  for (let o = s.next(); o !== undefined; o = s.next()) rest.push(o);
  assert.deepEqual(
    rest.map((o) => [o.kind, o.bytes.toString()]),
    [['outer', '\n<channel>'], ['record', '<item>1</item>'], ['record', '<item>2</item>'], ['outer', '</channel></rss>']],
  );
  // Without a test, nothing is a record.
  const none = scanAll(xml, 3, { test: false });
  assert.ok(none.every((o) => o.kind === 'outer'));
  assert.equal(concatAll(none).toString(), xml);
  // A root split across pushes is still emitted alone, once whole.
  const t = new XmlRecordScanner();
  t.push(Buffer.from('<rss a="'));
  assert.equal(t.next(), undefined);
  t.push(Buffer.from('>"><channel><item/>'));
  assert.equal(t.next()?.bytes.toString(), '<rss a=">">');
  t.setRecordTest(mapper().isRecord);
  assert.equal(t.next()?.bytes.toString(), '<channel>');
  assert.deepEqual([t.next()?.kind, t.next()], ['record', undefined]);
});

test('newlines in a record: CR LF, lone CR and LF each count once, in its start tag and in all', () => {
  const rec = '<item\r\n a="1">a\r\nb\rc\nd\r<x>\r\r\n</x>\n\r</item\r\n>';
  assert.deepEqual(recordsOf(scanAll(wrap(rec))), [[rec, 'item', 1, 10]]);
  for (const step of [1, 2, 5]) assert.deepEqual(recordsOf(scanAll(wrap(rec), step)), [[rec, 'item', 1, 10]], `step ${step}`);
  assert.deepEqual(recordsOf(scanAll(wrap('<item a="/>"\n/>'))), [['<item a="/>"\n/>', 'item', 1, 1]]);
  // Lines after the record come out right in saxes.
  const xml = `<rss><channel>\r\n${rec}\r\n<item>\r</item></channel></rss>`;
  const r = runReduced(Buffer.from(xml), [3, 40]);
  assert.deepEqual(r.engine.records, forward([xml]).records);
  assert.deepEqual(r.engine.records.map((x) => x.line), [3, 13]); // saxes's line at the end of the start tag
});

test('text on both sides of a scanned record never joins: a lone CR before it, `]]` before and `>` after it', () => {
  const xml = '<rss><channel>\r<item>x</item>\n<item/>]]<item>y</item>>\r<item\r/>\n</channel>\r\n<!-- e --></rss>';
  assert.deepEqual(scanAll(xml).flatMap((o) => (o.kind === 'record' ? [o.bare] : [])), [false, true, false, false]);
  const original = forward([xml]);
  assert.equal(original.error, undefined);
  for (const cuts of [[], [15], [16, 31], [1, 2, 3, 44, 45, 60]]) {
    const r = runReduced(Buffer.from(xml), cuts);
    assert.equal(r.scanError, undefined);
    assert.equal(r.engine.error, undefined, `cuts ${cuts.join(',')}`);
    assert.deepEqual(r.engine.records, original.records, `cuts ${cuts.join(',')}`);
  }
  assert.deepEqual(original.records.map((x) => x.line), [2, 3, 3, 5]);
  // `&amp` before a record and `;` after it: malformed, and must stay so.
  const amp = '<rss><channel>&amp<item/>;</channel></rss>';
  assert.ok(isMalformed(forward([amp]).error));
  assert.ok(isMalformed(runReduced(Buffer.from(amp), []).engine.error));
});

test('blanks between a > and a record are skipped, not emitted, their newlines counted', () => {
  const xml = '<rss><channel>\r\n  <item/>\r\n  <item>\n</item>\n\t<item/><x/> <item/>\r<item/><x/>\r<item/>\n<item/></channel></rss>';
  const out = scanAll(xml);
  assert.deepEqual(
    out.map((o) => [o.kind, o.bytes.toString(), o.kind === 'record' ? [o.gap.toString(), o.gapLines, o.bare] : []]),
    [
      ['outer', '<rss>', []],
      ['outer', '<channel>\r\n  ', []],
      ['record', '<item/>', ['', 0, true]],
      ['record', '<item>\n</item>', ['\r\n  ', 1, true]],
      ['record', '<item/>', ['\n\t', 1, true]],
      ['outer', '<x/> ', []],
      ['record', '<item/>', ['', 0, true]],
      ['record', '<item/>', ['\r', 1, true]],
      // Saxes reads the CR after <x/> (a piece with a tag is emitted whole): the record after it is not bare.
      ['outer', '<x/>\r', []],
      ['record', '<item/>', ['', 0, false]],
      ['record', '<item/>', ['\n', 1, true]],
      ['outer', '</channel></rss>', []],
    ],
  );
  assert.ok(concatAll(out).equals(Buffer.from(xml)));
  const original = forward([xml]);
  for (const cuts of [[], [17], [5, 26, 27, 40]]) assert.deepEqual(runReduced(Buffer.from(xml), cuts).engine.records, original.records, `cuts ${cuts.join(',')}`);
  assert.deepEqual(original.records.map((x) => x.line), [2, 3, 5, 5, 6, 7, 8]);
});

test('an error after scanned records reports the line of the document, the records\' newlines included', () => {
  const xml = '<rss><channel>\n<item>\n\n</item>\n<item\n/>\n<bad a=1/></channel></rss>';
  const original = forward([xml]);
  const r = runReduced(Buffer.from(xml), [20]);
  assert.ok(isMalformed(original.error) && isMalformed(r.engine.error));
  assert.equal((r.engine.error as FeedmillError).details?.line, (original.error as FeedmillError).details?.line);
  assert.equal((original.error as FeedmillError).details?.line, 7);
});

test('anomalies throw FEEDMILL_XML_MALFORMED; incomplete input at end() goes out as outer bytes', () => {
  // A mismatch inside a record is left to the shard's full parse of the record: the record goes out whole.
  assert.deepEqual(recordsOf(scanAll('<rss><channel><item><a></b></item></channel></rss>')).map((r) => r[0]), ['<item><a></b></item>']);
  assert.throws(() => scanAll('<rss><channel><item></itemx></channel></rss>'), isMalformed);
  assert.throws(() => scanAll('<rss><channel></rss>'), isMalformed);
  assert.throws(() => scanAll('<rss></rss></rss>'), isMalformed);
  assert.throws(() => scanAll('<rss><channel><item><a>1</a>', 4), isMalformed); // never closed
  assert.throws(() => scanAll(wrap(`<item>${'x'.repeat(100)}</item>`), Infinity, { maxRecordBytes: 50 }), isMalformed);
  assert.throws(() => scanAll(wrap(`<item>${'x'.repeat(100)}`), 10, { maxRecordBytes: 50 }), isMalformed); // before its end
  assert.deepEqual(recordsOf(scanAll(wrap(`<item>${'x'.repeat(37)}</item>`), 10, { maxRecordBytes: 50 })).length, 1);
  // Incomplete constructs outside records: saxes will report them.
  for (const xml of ['<rss><channel><!-- never', '<rss><channel><![CDATA[x', '<rss a="', '<rss><chan', '<rss><', '<?xml']) {
    const out = scanAll(xml, 2);
    assert.ok(out.every((o) => o.kind === 'outer'));
    assert.equal(concatAll(out).toString(), xml);
  }
});

test('takeRest hands back the unscanned bytes and stops the scan', () => {
  const s = new XmlRecordScanner();
  s.push(Buffer.from('<rss><channel><item>1</item><!-- x'));
  assert.equal(s.next()?.bytes.toString(), '<rss>');
  assert.equal(s.takeRest().toString(), '<channel><item>1</item><!-- x');
  assert.equal(s.next(), undefined);
  assert.throws(() => s.push(Buffer.from('-->')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INTERNAL');
});

test('outputs are never overwritten by later pushes', () => {
  const xml = Buffer.from(wrap('<item>a</item>'.repeat(50) + '<item>'.padEnd(300, ' ') + '</item>'));
  const s = new XmlRecordScanner();
  s.setRecordTest(mapper().isRecord);
  const kept: [Buffer, string][] = [];
  for (let i = 0; i < xml.length; i += 13) {
    s.push(xml.subarray(i, i + 13));
    for (let o = s.next(); o !== undefined; o = s.next()) kept.push([o.bytes, o.bytes.toString('latin1')]);
  }
  s.end();
  for (let o = s.next(); o !== undefined; o = s.next()) kept.push([o.bytes, o.bytes.toString('latin1')]);
  for (const [b, copy] of kept) assert.equal(b.toString('latin1'), copy);
  assert.equal(Buffer.concat(kept.map(([b]) => b)).toString(), xml.toString());
});
