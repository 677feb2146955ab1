import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQualityReport, MAX_EXAMPLES, QualityCounter } from '../../../src/transform/index.js';

test('counts items in/out, exclusions and warnings per field and reason, with a few examples', () => {
  const q = new QualityCounter();
  q.add('a', { ok: true, text: 'x', warnings: [] });
  q.add('b', { ok: true, text: 'x', warnings: [{ field: 'g:brand', reason: 'missing_recommended' }, { field: 'g:title', reason: 'truncated' }] });
  for (let i = 0; i < 8; i++) q.add(`bad-${i}`, { ok: false, field: 'g:link', reason: 'invalid_url' });
  q.add('c', { ok: false, field: 'g:price', reason: 'price_not_positive' });
  const s = q.toJSON();
  assert.equal(s.itemsIn, 11);
  assert.equal(s.itemsOut, 2);
  assert.deepEqual(s.exclusions, [
    { field: 'g:link', reason: 'invalid_url', count: 8, examples: ['bad-0', 'bad-1', 'bad-2', 'bad-3', 'bad-4'] },
    { field: 'g:price', reason: 'price_not_positive', count: 1, examples: ['c'] },
  ]);
  assert.equal(s.warnings.length, 2);
  assert.equal(MAX_EXAMPLES, 5);
});

test('snapshots are plain JSON and merge in order (as worker parts do)', () => {
  const parts = [0, 1, 2].map((p) => {
    const q = new QualityCounter();
    for (let i = 0; i < 3; i++) q.add(`p${p}-${i}`, i === 0 ? { ok: false, field: 'id', reason: 'too_long' } : { ok: true, text: '', warnings: [] });
    return JSON.parse(JSON.stringify(q.toJSON())) as ReturnType<QualityCounter['toJSON']>;
  });
  const total = new QualityCounter();
  for (const p of parts) total.merge(p);
  assert.deepEqual(total.toJSON(), {
    itemsIn: 9,
    itemsOut: 6,
    exclusions: [{ field: 'id', reason: 'too_long', count: 3, examples: ['p0-0', 'p1-0', 'p2-0'] }],
    warnings: [],
  });
  // merging does not alias the merged snapshot's arrays
  parts[0]?.exclusions[0]?.examples.push('zzz');
  assert.equal(total.toJSON().exclusions[0]?.examples.includes('zzz'), false);
});

test('the readable summary names counts, reasons and examples', () => {
  const q = new QualityCounter();
  q.add('x1', { ok: false, field: 'g:gtin', reason: 'invalid_gtin_check_digit' });
  q.add('x2', { ok: true, text: '', warnings: [] });
  const text = formatQualityReport(q.toJSON());
  assert.match(text, /items in: 2/);
  assert.match(text, /items out: 1/);
  assert.match(text, /excluded: 1 \(50.0 %\)/);
  assert.match(text, /g:gtin: invalid_gtin_check_digit/);
  assert.match(text, /e\.g\. x1/);
  assert.equal(formatQualityReport(new QualityCounter().toJSON()), 'items in: 0\nitems out: 0\nexcluded: 0 (0 %)\n');
});
