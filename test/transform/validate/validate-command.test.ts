import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/run.js';

const GOLDEN = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const code = await main(argv, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-validate-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a feed feedmill wrote validates against its channel (plain and gzip)', async () => {
  const plain = await run(['validate', join(GOLDEN, 'google-shopping.xml'), '--channel', 'google-shopping', '--json']);
  assert.equal(plain.code, 0, plain.stderr);
  const out = JSON.parse(plain.stdout) as { valid: boolean; gzip: boolean; quality: { itemsIn: number; itemsOut: number } };
  assert.deepEqual([out.valid, out.gzip, out.quality.itemsIn, out.quality.itemsOut], [true, false, 7, 7]);
  await withDir(async (dir) => {
    const gz = join(dir, 'meta.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(GOLDEN, 'meta.csv'))));
    const r = await run(['validate', gz, '--channel', 'meta', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { gzip: boolean }).gzip, true);
  });
});

test('invalid items make exit code 1 and are reported per field and reason with example ids', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'feed.tsv');
    writeFileSync(
      file,
      [
        'id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tsale_price\tgtin',
        'A\tOk\tFine\thttps://s.example/a\thttps://s.example/a.jpg\tin_stock\t10.00 EUR\t\t4006381333931',
        'B\tOk\tFine\thttps://s.example/b\thttps://s.example/b.jpg\tin stock\t10.00 EUR\t\t',
        'C\tOk\t<p>html</p>\thttps://s.example/c\thttps://s.example/c.jpg\tin_stock\t10,00 EUR\t\t',
        'A\tOk\tFine\thttps://s.example/a\thttps://s.example/a.jpg\tin_stock\t10.00 EUR\t\t',
        'D\tOk\tFine\thttps://s.example/d\thttps://s.example/d.jpg\tin_stock\t10.00 EUR\t12.00 EUR\t4006381333932',
        '',
      ].join('\n'),
    );
    const r = await run(['validate', file, '--channel', 'google-shopping-tsv', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FEEDMILL_FEED_INVALID/);
    const out = JSON.parse(r.stdout) as { valid: boolean; quality: { itemsIn: number; itemsOut: number; exclusions: unknown[]; warnings: unknown[] } };
    assert.equal(out.valid, false);
    assert.equal(out.quality.itemsIn, 5);
    assert.equal(out.quality.itemsOut, 2);
    assert.deepEqual(
      new Set(out.quality.exclusions),
      new Set([
        { field: 'availability', reason: 'not_in_enum', count: 1, examples: ['B'] },
        { field: 'description', reason: 'html_not_allowed', count: 1, examples: ['C'] },
        { field: 'id', reason: 'duplicate_id', count: 1, examples: ['A'] },
      ]),
    );
    assert.deepEqual(
      new Set(out.quality.warnings),
      new Set([
        { field: 'sale_price', reason: 'sale_not_below_price', count: 1, examples: ['D'] },
        { field: 'gtin', reason: 'invalid_gtin_check_digit', count: 1, examples: ['D'] },
        { field: 'brand', reason: 'missing_recommended', count: 2, examples: ['A', 'D'] },
      ]),
    );
    const human = await run(['validate', file, '--channel', 'google-shopping-tsv']);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /INVALID/);
    assert.match(human.stdout, /availability: not_in_enum/);
  });
});

test('malformed files, empty feeds and wrong usage are coded errors', async () => {
  await withDir(async (dir) => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<rss><channel><item><g:id>1</g:id></item>');
    const r1 = await run(['validate', bad, '--channel', 'kelkoo', '--json']);
    assert.equal(r1.code, 1);
    assert.equal((JSON.parse(r1.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_XML_MALFORMED');

    const empty = join(dir, 'empty.xml');
    writeFileSync(empty, '<?xml version="1.0"?><products></products>');
    const r2 = await run(['validate', empty, '--channel', 'kelkoo']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /no item/);

    const doctype = join(dir, 'doctype.xml');
    writeFileSync(doctype, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><products></products>');
    const r3 = await run(['validate', doctype, '--channel', 'kelkoo', '--json']);
    assert.equal((JSON.parse(r3.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_XML_DOCTYPE');

    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'id,price\n1,2,3\n');
    const r4 = await run(['validate', ragged, '--channel', 'meta', '--json']);
    assert.equal(r4.code, 1);
    assert.equal((JSON.parse(r4.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_FEED_INVALID');
  });
  const r5 = await run(['validate', 'x.xml', '--channel', 'nope', '--json']);
  assert.equal((JSON.parse(r5.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_CHANNEL_UNKNOWN');
  assert.equal((await run(['validate', 'x.xml'])).code, 2);
  const r6 = await run(['validate', join(tmpdir(), 'feedmill-does-not-exist.xml'), '--channel', 'kelkoo', '--json']);
  assert.equal((JSON.parse(r6.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_SOURCE_NOT_FOUND');
});
