import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { run } from './helpers.js';
import { decodeEntities, stripHtml, truncate } from '../../../src/transform/rules/text.js';

test('stripHtml removes tags, comments and script content, separates blocks, decodes entities', () => {
  assert.equal(stripHtml('<p>Soft&nbsp;cotton</p><ul><li>S</li><li>M</li></ul>'), ' Soft\u00a0cotton   S  M  ');
  assert.equal(stripHtml('a<!-- hidden -->b<script>alert(1)</script>c<style>p{}</style>d'), 'abcd');
  assert.equal(stripHtml('AT&amp;T &lt;b&gt; caf&eacute; &#233;&#xE9; &Uuml;ber'), 'AT&T <b> café éé Über');
  assert.equal(stripHtml('3 < 5 and x<y'), '3 < 5 and x');
  assert.equal(stripHtml('<b>bold</b> <SCRIPT type="x">no</SCRIPT>yes'), 'bold yes');
});

test('unknown entities stay as written', () => {
  assert.equal(decodeEntities('&qacute; &bogus; & &#xZZ; &#0;'), '&qacute; &bogus; & &#xZZ; \ufffd');
});

test('clean applies its steps in a fixed order whatever the key order', () => {
  const yaml = '- clean: {maxLength: 12, case: title, trim: true, collapseSpaces: true, stripHtml: true, field: title}';
  assert.equal(run(yaml, { title: '  <b>SOFT</b>\n\n cotton   HOODIE for men ' })?.title, 'Soft Cotton');
});

test('case changes', () => {
  assert.equal(run('- clean: {field: title, case: upper}', { title: 'straße' })?.title, 'STRASSE');
  assert.equal(run('- clean: {field: title, case: lower}', { title: 'ÉTÉ' })?.title, 'été');
  assert.equal(run('- clean: {field: title, case: sentence}', { title: '"BIG sale" NOW' })?.title, '"Big sale" now');
  assert.equal(run('- clean: {field: title, case: title}', { title: "o'neill ÉLAN t-shirt" })?.title, "O'neill Élan T-Shirt");
});

test('maxLength cuts at a word boundary, drops dangling separators and counts the ellipsis', () => {
  assert.equal(run('- clean: {field: title, maxLength: 14}', { title: 'Hoodie, cotton, organic' })?.title, 'Hoodie, cotton');
  assert.equal(run('- clean: {field: title, maxLength: 15, ellipsis: "…"}', { title: 'Hoodie, cotton, organic' })?.title, 'Hoodie, cotton…');
  assert.equal(run('- clean: {field: title, maxLength: 5, wordBoundary: false}', { title: 'Hoodies' })?.title, 'Hoodi');
  assert.equal(run('- clean: {field: title, maxLength: 4}', { title: 'Hoodies' })?.title, 'Hood');
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('truncate never passes the limit nor splits a surrogate pair', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom('', '…', '...'), fc.boolean(), (s, max, ellipsis, word) => {
      fc.pre([...ellipsis].length < max);
      const out = truncate(s, max, ellipsis, word);
      assert.ok([...out].length <= max);
      assert.equal(LONE_SURROGATE.test(out), false);
      if ([...s].length <= max) assert.equal(out, s);
    }),
    { numRuns: 300 },
  );
});

test('clean leaves empty fields alone and reports changes per item', () => {
  const item = run('- clean: {fields: [title, description, attrs.note], trim: true}', { title: ' a ', description: null, attrs: { note: ' n' } });
  assert.equal(item?.title, 'a');
  assert.equal(item?.description, null);
  assert.equal(item?.attrs.note, 'n');
});

test('collapseSpaces turns single tabs, newlines and no-break spaces into spaces too', () => {
  assert.equal(run('- clean: {field: title, collapseSpaces: true}', { title: 'a\tb\nc\u00a0d  e' })?.title, 'a b c d e');
  assert.equal(run('- clean: {field: title, collapseSpaces: true}', { title: 'a b' })?.title, 'a b');
});
