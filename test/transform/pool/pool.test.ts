import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { dataPaths } from '../../../src/config.js';
import { FeedmillError } from '../../../src/errors.js';
import { openForRead } from '../../../src/staging/index.js';
import { DEFAULT_FEEDS_DIR, loadChannel } from '../../../src/transform/channels/index.js';
import { exportCatalog } from '../../../src/transform/export.js';
import { partitionOffers, rangeCount, TransformPool, type TransformTask } from '../../../src/transform/pool/index.js';
import transformRange from '../../../src/transform/pool/worker.js';
import { stageCatalog, tempRoot, testConfig } from './fixtures/stage.js';
import { CatalogVersions } from '../../../src/staging/index.js';
import { openAppDb } from '../../../src/db/index.js';
import { WORKER_RESOURCE_LIMITS } from '../../../src/worker-file.js';

const crashingWorker = fileURLToPath(new URL('./fixtures/crashing-worker.ts', import.meta.url));
const timedWorker = fileURLToPath(new URL('./fixtures/timed-worker.ts', import.meta.url));
const limitsWorker = fileURLToPath(new URL('./fixtures/limits-worker.ts', import.meta.url));
const hasCode = (code: string, details: Record<string, unknown> = {}) => (e: unknown) => {
  assert.ok(e instanceof FeedmillError, `expected FeedmillError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
  return true;
};

test('range count depends on the catalog size only', () => {
  assert.equal(rangeCount(0), 0);
  assert.equal(rangeCount(5), 5);
  assert.equal(rangeCount(100), 16);
  assert.equal(rangeCount(1_000_000), 50);
  assert.equal(rangeCount(40_000_000), 2000);
  assert.equal(rangeCount(100, 3), 34);
});

test('the worker scans one range, renders every channel and writes one part (gzip member) per channel', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root);
  stageCatalog(config, 'acme', 30);
  const db = openAppDb(config);
  const stagingPath = new CatalogVersions(db, config).current('acme').stagingPath;
  db.close();
  const sdb = openForRead(stagingPath);
  const ranges = partitionOffers(sdb, 10);
  sdb.close();
  assert.equal(ranges.length, 16);
  assert.deepEqual(ranges[0], { lo: 1, hi: 1, index: 0 });
  const channels = ['google-shopping', 'meta'].map((n) => ({ key: n, value: loadChannel(n, DEFAULT_FEEDS_DIR) }));
  const partsDir = join(root, 'parts');
  const range = { lo: 1, hi: 30, index: 3 };
  const task: TransformTask = { stagingPath, range, channels, partsDir, gzipLevel: 6, generatedAt: '2030-01-02T03:04:05.000Z' };
  const r = await transformRange(task);
  assert.equal(r.rows, 30);
  assert.equal(r.index, 3);
  assert.deepEqual(r.channels.map((c) => [c.channel, c.items, c.excluded, c.filtered]), [
    ['google-shopping', 30, 0, 0],
    ['meta', 30, 0, 0],
  ]);
  const g = r.channels[0] ?? assert.fail();
  assert.equal(g.path, join(partsDir, 'google-shopping', '000003.part.gz'));
  const text = gunzipSync(readFileSync(g.path)).toString();
  assert.equal(Buffer.byteLength(text), g.rawBytes);
  assert.equal(readFileSync(g.path).length, g.bytes);
  assert.equal(text.split('<item>').length - 1, 30);
  assert.equal(g.quality.itemsOut, 30);
  const plain = await transformRange({ ...task, range: { ...range, index: 4 }, gzipLevel: null });
  assert.equal(readFileSync(plain.channels[0]?.path ?? assert.fail()).toString(), text);
});

test('each thread runs its ranges in feed order, at most one more than the workers at a time', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 2 });
  stageCatalog(config, 'acme', 400);
  const pool = new TransformPool({ workers: 2, workerFile: timedWorker });
  t.after(() => pool.close());
  // Warm: a thread still loading its modules holds its first range while the other runs ahead.
  await pool.warmUp();
  const timed: { index: number; startedAt: number; endedAt: number; threadId: number }[] = [];
  const app = openAppDb(config);
  const stagingPath = new CatalogVersions(app, config).current('acme').stagingPath;
  app.close();
  const db = openForRead(stagingPath);
  const ranges = partitionOffers(db, 10);
  db.close();
  const partsDir = join(root, 'parts');
  const channel = { key: 'google-shopping', value: loadChannel('google-shopping', DEFAULT_FEEDS_DIR) };
  const tasks: TransformTask[] = ranges.map((range) => ({ stagingPath, range, channels: [channel], partsDir, gzipLevel: null, generatedAt: '2030-01-02T03:04:05.000Z' }));
  const results = await pool.runAll(tasks, { onResult: (r) => timed.push(r as unknown as (typeof timed)[number]) });
  assert.equal(results.length, 40);
  assert.deepEqual(results.map((r) => r.index), ranges.map((r) => r.index), 'results in task order');
  // Each thread takes its ranges in feed order. (Comparing start times across threads is not a
  // property of the pool: a thread the OS puts aside for a few ms lets the other run three ranges.)
  // piscina 5 given every range at once broke this: one thread ran 2, 4, 6 ... 48 and then 3.
  const threads = new Map<number, number[]>();
  for (const r of [...timed].sort((a, b) => a.startedAt - b.startedAt)) threads.set(r.threadId, [...(threads.get(r.threadId) ?? []), r.index]);
  for (const [id, order] of threads) {
    assert.ok(order.every((index, k) => k === 0 || index > (order[k - 1] as number)), `thread ${id} ran ranges out of order: ${order.join(',')}`);
  }
  for (const r of timed) {
    const ended = timed.filter((o) => o.endedAt <= r.startedAt).length;
    assert.ok(r.index - ended <= 3, `range ${r.index} started when only ${ended} had ended`);
  }
});

for (const mode of ['throw', 'exit', 'oom', 'enospc'] as const) {
  test(`a worker that dies (${mode}) fails the export with a coded error and leaves the old feed`, async (t) => {
    const root = tempRoot(t);
    const config = testConfig(root, { transformWorkers: 2 });
    stageCatalog(config, 'acme', 200);
    const opts = { config, catalog: 'acme', channels: ['google-shopping'], rulesPath: null, rangeRows: 10 };
    const good = await exportCatalog(opts);
    const before = readFileSync(good.feeds[0]?.path ?? assert.fail());
    stageCatalog(config, 'acme', 210);
    const pool = new TransformPool({
      workers: 2,
      workerFile: crashingWorker,
      workerData: { crashAt: 5, mode },
      resourceLimits: mode === 'oom' ? { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } : undefined,
    });
    t.after(() => pool.close());
    // A full RAM disk is no crash: it says so, and what to do.
    const expected = mode === 'enospc' ? hasCode('FEEDMILL_STAGING_FAILED', { range: 5, errno: 'ENOSPC' }) : hasCode('FEEDMILL_TRANSFORM_WORKER_CRASHED', { range: 5 });
    await assert.rejects(exportCatalog({ ...opts, pool }), expected);
    assert.deepEqual(readFileSync(good.feeds[0]?.path ?? assert.fail()), before);
    assert.deepEqual(readdirSync(dataPaths(config).parts), []);
    const feeds = join(dataPaths(config).feeds, 'acme');
    assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), [], 'the half-assembled temp file is removed');
  });
}

// On Node 20 the default young generation is already 48 MiB; from Node 22 on it is 192 (so this fails
// there without the pool's limits).
test('workers start with the same young generation on every Node release; a caller adds its own limits', async (t) => {
  const task = { range: { index: 0, lo: 1, hi: 1 } } as TransformTask;
  const plain = new TransformPool({ workers: 1, workerFile: limitsWorker });
  t.after(() => plain.close());
  const [byDefault] = await plain.runAll([task]);
  assert.equal(byDefault?.rows, WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb);
  const capped = new TransformPool({ workers: 1, workerFile: limitsWorker, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  t.after(() => capped.close());
  const [both] = await capped.runAll([task]);
  assert.equal(both?.rows, WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb);
  assert.equal(both?.refreshAt, 64);
});

test('an abort cancels the export, removes its parts and publishes nothing', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 1 });
  stageCatalog(config, 'acme', 300);
  const controller = new AbortController();
  let calls = 0;
  await assert.rejects(
    exportCatalog({
      config,
      catalog: 'acme',
      channels: ['google-shopping', 'meta'],
      rulesPath: null,
      rangeRows: 10,
      signal: controller.signal,
      progress: () => {
        if (++calls === 2) controller.abort();
      },
    }),
    hasCode('FEEDMILL_TRANSFORM_ABORTED'),
  );
  assert.equal(calls, 2);
  assert.deepEqual(readdirSync(dataPaths(config).parts), []);
  assert.equal(existsSync(join(dataPaths(config).feeds, 'acme', 'google-shopping.xml')), false);
  assert.deepEqual(readdirSync(join(dataPaths(config).feeds, 'acme')), [], 'no temp file and no feed');
  const already = AbortSignal.abort();
  await assert.rejects(exportCatalog({ config, catalog: 'acme', channels: ['meta'], rulesPath: null, signal: already }), hasCode('FEEDMILL_TRANSFORM_ABORTED'));
  rmSync(root, { recursive: true, force: true });
});
