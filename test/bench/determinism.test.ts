import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateCatalog, type Container, type Format, type Shape } from '../../bench/generate/index.js';
import { sha256File, tempDir } from './helpers.js';

const CASES: [Shape, Format, Container][] = [
  ['merchant', 'csv', 'plain'],
  ['merchant', 'xml', 'plain'],
  ['tour', 'xml', 'plain'],
  ['merchant', 'csv', 'gzip'],
  ['merchant', 'xml', 'zip'],
];

for (const [shape, format, container] of CASES) {
  test(`${shape} ${format} ${container}: same seed, same sha256; another seed, other bytes`, async (t) => {
    const dir = await tempDir(t);
    const offers = shape === 'tour' ? 1700 : 400;
    const gen = (name: string, seed: string) => generateCatalog({ shape, format, container, offers, seed, out: join(dir, name) });
    const a = await gen('a', 'x');
    const b = await gen('b', 'x');
    const c = await gen('c', 'y');
    assert.equal(await sha256File(a.path), await sha256File(b.path));
    assert.notEqual(await sha256File(a.path), await sha256File(c.path));
    assert.deepEqual({ ...a, path: '' }, { ...b, path: '' });
    assert.equal(c.offers, offers);
  });
}

test('offers do not depend on the total: a smaller file is a prefix of a bigger one', async (t) => {
  const dir = await tempDir(t);
  const small = await generateCatalog({ shape: 'merchant', format: 'csv', offers: 60, out: join(dir, 's.csv') });
  const big = await generateCatalog({ shape: 'merchant', format: 'csv', offers: 600, out: join(dir, 'b.csv') });
  const s = parse(await readFile(small.path, 'utf8')) as string[][];
  const b = parse(await readFile(big.path, 'utf8')) as string[][];
  // The total may only cut the last product short (fewer variants); every row before it is identical.
  const groupOf = (row: string[] | undefined): string => (row?.[17] || row?.[0]) ?? '';
  const lastGroup = groupOf(s[s.length - 1]);
  const keep = s.findIndex((row, i) => i > 0 && groupOf(row) === lastGroup);
  assert.ok(keep > 10);
  assert.deepEqual(s.slice(0, keep), b.slice(0, keep));
});
