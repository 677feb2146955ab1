/** HTTP validators, ranges and Accept-Encoding as pure functions (RFC 9110 cases). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip, notModified, parseRange, selectRange, sniffUpload } from '../../src/server/index.js';

const ETAG = '"abc"';
const LM = new Date('2024-05-01T10:00:00.000Z');

test('If-None-Match: weak comparison, lists and *, and it overrides If-Modified-Since', () => {
  assert.equal(notModified({ 'if-none-match': '"abc"' }, ETAG, LM), true);
  assert.equal(notModified({ 'if-none-match': 'W/"abc"' }, ETAG, LM), true);
  assert.equal(notModified({ 'if-none-match': '"x", "abc"' }, ETAG, LM), true);
  assert.equal(notModified({ 'if-none-match': '*' }, ETAG, LM), true);
  assert.equal(notModified({ 'if-none-match': '"abcd"' }, ETAG, LM), false);
  assert.equal(notModified({ 'if-none-match': '"x"', 'if-modified-since': LM.toUTCString() }, ETAG, LM), false);
});

test('If-Modified-Since compares whole seconds and ignores unparsable dates', () => {
  assert.equal(notModified({ 'if-modified-since': LM.toUTCString() }, ETAG, new Date(LM.getTime() + 900)), true);
  assert.equal(notModified({ 'if-modified-since': new Date(LM.getTime() - 1000).toUTCString() }, ETAG, LM), false);
  assert.equal(notModified({ 'if-modified-since': 'yesterday' }, ETAG, LM), false);
  assert.equal(notModified({}, ETAG, LM), false);
});

test('byte ranges: first-last, open, suffix, clamped, unsatisfiable, ignored', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=50-5000', 100), { kind: 'partial', start: 50, end: 99 });
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  for (const ignored of ['bytes=0-1,3-4', 'items=0-1', 'bytes=9-3', 'bytes=-', 'garbage']) {
    assert.deepEqual(parseRange(ignored, 100), { kind: 'full' }, ignored);
  }
});

test('If-Range keeps the range only for the same strong ETag or the exact date', () => {
  assert.equal(selectRange({ range: 'bytes=0-1', 'if-range': ETAG }, 10, ETAG, LM).kind, 'partial');
  assert.equal(selectRange({ range: 'bytes=0-1', 'if-range': 'W/"abc"' }, 10, ETAG, LM).kind, 'full');
  assert.equal(selectRange({ range: 'bytes=0-1', 'if-range': '"old"' }, 10, ETAG, LM).kind, 'full');
  assert.equal(selectRange({ range: 'bytes=0-1', 'if-range': LM.toUTCString() }, 10, ETAG, LM).kind, 'partial');
  assert.equal(selectRange({ range: 'bytes=0-1', 'if-range': new Date(0).toUTCString() }, 10, ETAG, LM).kind, 'full');
  assert.equal(selectRange({}, 10, ETAG, LM).kind, 'full');
});

test('Accept-Encoding: gzip by name or *, q=0 refuses', () => {
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('br, gzip;q=0.5'), true);
  assert.equal(acceptsGzip('x-gzip'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('gzip;q=0, *'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip('*;q=0'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('upload sniffing: gzip, zip, CSV, XML (with BOMs, UTF-16), and refusals', () => {
  assert.equal(sniffUpload(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
  assert.equal(sniffUpload(Buffer.from([0x50, 0x4b, 3, 4, 20])), 'zip');
  assert.equal(sniffUpload(Buffer.from('id;title\r\n1;a\r\n')), 'csv');
  assert.equal(sniffUpload(Buffer.from('\uFEFF  <?xml version="1.0"?>')), 'xml');
  assert.equal(sniffUpload(Buffer.from('id,titre\n1,caf\xe9\n', 'latin1')), 'csv');
  assert.equal(sniffUpload(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,title\n', 'utf16le')])), 'csv');
  assert.equal(sniffUpload(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<a/>', 'utf16le').swap16()])), 'xml');
  assert.equal(sniffUpload(Buffer.from('%PDF-1.4\n')), undefined);
  assert.equal(sniffUpload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])), undefined);
  assert.equal(sniffUpload(Buffer.from('   \n\t')), undefined);
  assert.equal(sniffUpload(Buffer.alloc(0)), undefined);
});
