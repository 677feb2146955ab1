/**
 * The id digest behind the load's duplicate-check shortcut: it may only ever say "proven distinct"
 * when the ids are distinct and every offer was counted; anything else sends the load to SQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashId, IdDigest } from '../../src/staging/id-digest.js';

/** A deterministic PRNG (mulberry32), so that a failure replays. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('hashes: equal ids hash alike; they are exact non-negative integers below 2^53', () => {
  for (const id of ['', 'A', 'SKU-1', 'é', '😀', 'a'.repeat(1000)]) {
    const h = hashId(id);
    assert.equal(h, hashId(`${id}`.slice(0)));
    assert.ok(Number.isSafeInteger(h) && h >= 0, `${id}: ${h}`);
  }
  assert.notEqual(hashId('A'), hashId('A\u0000'));
  assert.notEqual(hashId('AB'), hashId('BA'));
});

test('distinct ids are proven distinct, in one writer or across sorted shard runs', () => {
  const d = new IdDigest();
  for (let i = 0; i < 5000; i++) d.add(`SKU-${i}`);
  assert.equal(d.provesDistinct(5000), true);

  const merged = new IdDigest();
  for (let s = 0; s < 3; s++) {
    const shard = new IdDigest();
    for (let i = 0; i < 2000; i++) shard.add(`S${s}-${i}`);
    merged.addSorted(shard.sortedSnapshot());
  }
  merged.add('own-1');
  assert.equal(merged.provesDistinct(6001), true);
});

test('a repeat is never proven distinct: random catalogs with and without repeats, within and across runs', () => {
  const rnd = prng(7);
  for (let round = 0; round < 200; round++) {
    const runs = 1 + Math.floor(rnd() * 4);
    const merged = new IdDigest();
    const all: string[] = [];
    for (let r = 0; r < runs; r++) {
      const shard = new IdDigest();
      const n = Math.floor(rnd() * 60);
      for (let i = 0; i < n; i++) {
        // A small id space: repeats are common, within a run and across runs.
        const id = `id-${Math.floor(rnd() * 400)}`;
        shard.add(id);
        all.push(id);
      }
      merged.addSorted(shard.sortedSnapshot());
    }
    const distinct = new Set(all).size === all.length;
    assert.equal(merged.provesDistinct(all.length), distinct, `round ${round}: ${all.join(',')}`);
  }
});

test('not proven when the digest does not cover every offer: a count mismatch, a lost run, the cap, a drop', () => {
  const d = new IdDigest();
  d.add('A');
  d.add('B');
  assert.equal(d.provesDistinct(3), false, 'an offer stored without its id hashed');

  const merged = new IdDigest();
  merged.add('A');
  merged.addSorted(undefined);
  assert.equal(merged.provesDistinct(1), false, 'a shard that gave up its digest');

  const capped = new IdDigest(4);
  for (const id of ['A', 'B', 'C', 'D', 'E']) capped.add(id);
  assert.equal(capped.provesDistinct(5), false, 'past the cap');
  assert.equal(capped.sortedSnapshot(), undefined);

  const runs = new IdDigest(4);
  runs.addSorted(Float64Array.of(1, 2, 3));
  runs.addSorted(Float64Array.of(4, 5));
  assert.equal(runs.provesDistinct(5), false, 'runs past the cap');

  const dropped = new IdDigest();
  dropped.add('A');
  dropped.drop();
  dropped.add('B');
  assert.equal(dropped.provesDistinct(1), false, 'a drop is final');
});
