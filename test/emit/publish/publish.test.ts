import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  listFeedVersions,
  publishFeed,
  readManifest,
  manifestPath,
  rollbackFeed,
  type PublishStep,
} from '../../../src/emit/publish/index.js';
import { FeedmillError } from '../../../src/errors.js';
import { baseInput, makeParts, tempDir } from './helpers.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hasCode = (code: string, details: Record<string, unknown> = {}) => (e: unknown) => {
  assert.ok(e instanceof FeedmillError, `expected FeedmillError, got ${String(e)}`);
  assert.equal(e.code, code);
  for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
  return true;
};

test('a plain feed is header + parts in order + footer, with a matching manifest', async (t) => {
  const dir = tempDir(t);
  const { parts, text } = makeParts(dir, { count: 3, perPart: 4, gzip: false });
  const feeds = join(dir, 'feeds');
  const r = await publishFeed(baseInput(feeds, parts, { excluded: 2 }));
  const bytes = readFileSync(join(feeds, 'demo.xml'));
  assert.equal(bytes.toString(), `<feed>\n${text}</feed>\n`);
  assert.deepEqual(r.paths, [join(feeds, 'demo.xml')]);
  const m = await readManifest(manifestPath(feeds, 'demo'));
  assert.ok(m);
  assert.equal(m.items, 12);
  assert.equal(m.excluded, 2);
  assert.equal(m.bytes, bytes.length);
  assert.equal(m.rawBytes, bytes.length);
  assert.equal(m.sha256, sha(bytes));
  assert.equal(m.sequence, 1);
  assert.equal(m.catalog, 'acme');
  assert.equal(m.catalogVersion, 1);
  assert.equal(m.generatedAt, '2024-01-01T00:00:00.000Z');
  assert.deepEqual(r.manifest, m);
});

test('a gzipped feed is a multi-member gzip that inflates to the plain feed', async (t) => {
  const dir = tempDir(t);
  const plain = makeParts(dir, { count: 3, perPart: 5, gzip: false, tag: 'p' });
  const gz = makeParts(dir, { count: 3, perPart: 5, gzip: true, tag: 'p' });
  await publishFeed(baseInput(join(dir, 'a'), plain.parts));
  await publishFeed(baseInput(join(dir, 'b'), gz.parts, { gzip: true, fileName: 'demo.xml.gz' }));
  const a = readFileSync(join(dir, 'a', 'demo.xml'));
  const b = readFileSync(join(dir, 'b', 'demo.xml.gz'));
  assert.deepEqual(gunzipSync(b), a);
  const m = await readManifest(manifestPath(join(dir, 'b'), 'demo'));
  assert.equal(m?.rawBytes, a.length);
  assert.equal(m?.bytes, b.length);
  assert.equal(m?.gzip, true);
});

test('the gate keeps the old feed when items drop by more than the allowed share; force overrides', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const big = makeParts(dir, { count: 2, perPart: 10, gzip: false, tag: 'big' });
  await publishFeed(baseInput(feeds, big.parts));
  const before = readFileSync(join(feeds, 'demo.xml'));
  const small = makeParts(dir, { count: 1, perPart: 9, gzip: false, tag: 'small' });
  await assert.rejects(publishFeed(baseInput(feeds, small.parts)), hasCode('FEEDMILL_PUBLISH_GATE', { items: 9, previousItems: 20 }));
  assert.deepEqual(readFileSync(join(feeds, 'demo.xml')), before);
  assert.equal((await readManifest(manifestPath(feeds, 'demo')))?.items, 20);
  const exactlyHalf = makeParts(dir, { count: 1, perPart: 10, gzip: false, tag: 'half' });
  await publishFeed(baseInput(feeds, exactlyHalf.parts));
  assert.equal((await readManifest(manifestPath(feeds, 'demo')))?.items, 10);
  const tiny = makeParts(dir, { count: 1, perPart: 1, gzip: false, tag: 'tiny' });
  await publishFeed(baseInput(feeds, tiny.parts, { gate: { maxDrop: 0.5, force: true } }));
  assert.equal((await readManifest(manifestPath(feeds, 'demo')))?.items, 1);
  assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), []);
});

test('an empty feed is refused, first publish or not, unless forced', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const empty = makeParts(dir, { count: 2, perPart: 0, gzip: false, tag: 'e' });
  await assert.rejects(publishFeed(baseInput(feeds, empty.parts)), hasCode('FEEDMILL_PUBLISH_EMPTY', { items: 0, previousItems: null }));
  assert.equal(existsSync(join(feeds, 'demo.xml')), false);
  const full = makeParts(dir, { count: 1, perPart: 3, gzip: false, tag: 'f' });
  await publishFeed(baseInput(feeds, full.parts));
  await assert.rejects(publishFeed(baseInput(feeds, empty.parts)), hasCode('FEEDMILL_PUBLISH_EMPTY', { previousItems: 3 }));
  await publishFeed(baseInput(feeds, empty.parts, { gate: { maxDrop: 0.5, force: true } }));
  assert.equal(readFileSync(join(feeds, 'demo.xml'), 'utf8'), '<feed>\n</feed>\n');
});

test('over the size limit: refused, or split into numbered files each a whole feed', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const { parts, text } = makeParts(dir, { count: 4, perPart: 3, gzip: false });
  await assert.rejects(
    publishFeed(baseInput(feeds, parts, { limits: { maxItems: 5 } })),
    hasCode('FEEDMILL_PUBLISH_TOO_LARGE', { items: 12, maxItems: 5 }),
  );
  assert.equal(existsSync(join(feeds, 'demo.xml')), false);
  const r = await publishFeed(baseInput(feeds, parts, { limits: { maxItems: 6, split: true } }));
  assert.deepEqual(r.manifest.files.map((f) => f.fileName), ['demo.1.xml', 'demo.2.xml']);
  const one = readFileSync(join(feeds, 'demo.1.xml'), 'utf8');
  const two = readFileSync(join(feeds, 'demo.2.xml'), 'utf8');
  assert.ok(one.startsWith('<feed>\n') && one.endsWith('</feed>\n'));
  assert.equal(one.slice(7, -8) + two.slice(7, -8), text);
  assert.equal(r.manifest.sha256, sha(Buffer.concat([Buffer.from(one), Buffer.from(two)])));
  // Each file's own hash too (the first file's is taken from the whole feed's hash at the split).
  assert.deepEqual(r.manifest.files.map((f) => f.sha256), [sha(Buffer.from(one)), sha(Buffer.from(two))]);
  assert.equal(r.manifest.items, 12);
  await assert.rejects(
    publishFeed(baseInput(feeds, parts, { limits: { maxItems: 2, split: true } })),
    hasCode('FEEDMILL_PUBLISH_TOO_LARGE', { part: 0 }),
  );
  const r2 = await publishFeed(baseInput(feeds, parts));
  assert.deepEqual(r2.manifest.files.map((f) => f.fileName), ['demo.xml']);
  assert.equal(existsSync(join(feeds, 'demo.1.xml')), false, 'stale numbered files are removed');
});

test('versions are kept as hard links and a rollback restores the previous feed and manifest', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const contents: Buffer[] = [];
  for (let v = 0; v < 4; v++) {
    const { parts } = makeParts(dir, { count: 1, perPart: 4, gzip: false, tag: `v${v}` });
    await publishFeed(baseInput(feeds, parts, { keepVersions: 2, catalogVersion: v + 1 }));
    contents.push(readFileSync(join(feeds, 'demo.xml')));
  }
  const kept = await listFeedVersions(feeds, 'demo');
  assert.deepEqual(kept.map((k) => k.sequence), [4, 3, 2]);
  const restored = await rollbackFeed({ dir: feeds, channel: 'demo' });
  assert.equal(restored.sequence, 3);
  assert.equal(restored.rolledBackFrom, 4);
  assert.equal(restored.catalogVersion, 3);
  assert.deepEqual(readFileSync(join(feeds, 'demo.xml')), contents[2]);
  assert.equal((await readManifest(manifestPath(feeds, 'demo')))?.sequence, 3);
  await rollbackFeed({ dir: feeds, channel: 'demo', to: 4 });
  assert.deepEqual(readFileSync(join(feeds, 'demo.xml')), contents[3]);
  await assert.rejects(rollbackFeed({ dir: feeds, channel: 'demo', to: 1 }), hasCode('FEEDMILL_PUBLISH_FAILED', { to: 1 }));
  const { parts } = makeParts(dir, { count: 1, perPart: 4, gzip: false, tag: 'v5' });
  const next = await publishFeed(baseInput(feeds, parts, { keepVersions: 2 }));
  assert.equal(next.manifest.sequence, 5, 'sequences keep increasing after a rollback');
});

test('the fencing hook runs right before the rename; a refusal leaves the old feed and no temp file', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const first = makeParts(dir, { count: 1, perPart: 4, gzip: false, tag: 'a' });
  await publishFeed(baseInput(feeds, first.parts));
  const before = readFileSync(join(feeds, 'demo.xml'));
  const second = makeParts(dir, { count: 1, perPart: 4, gzip: false, tag: 'b' });
  const steps: PublishStep[] = [];
  await assert.rejects(
    publishFeed(
      baseInput(feeds, second.parts, {
        onStep: (s) => void steps.push(s),
        beforeRename: () => {
          throw new FeedmillError('FEEDMILL_PUBLISH_FENCED', 'fenced', { token: 1 });
        },
      }),
    ),
    hasCode('FEEDMILL_PUBLISH_FENCED', { token: 1 }),
  );
  assert.deepEqual(steps, ['piece-copied', 'file-written', 'checked']);
  assert.deepEqual(readFileSync(join(feeds, 'demo.xml')), before);
  assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), []);
  assert.deepEqual((await listFeedVersions(feeds, 'demo')).map((v) => v.sequence), [1]);
  await assert.rejects(
    publishFeed(baseInput(feeds, second.parts, { beforeRename: () => { throw new Error('token moved'); } })),
    hasCode('FEEDMILL_PUBLISH_FENCED'),
  );
  // The task manager's fencing check is asynchronous (it asks the task store): its rejection counts too.
  await assert.rejects(
    publishFeed(
      baseInput(feeds, second.parts, {
        beforeRename: async () => {
          await new Promise((r) => setImmediate(r));
          throw new FeedmillError('FEEDMILL_TASK_LEASE_LOST', 'lease lost', { task: 7 });
        },
      }),
    ),
    hasCode('FEEDMILL_TASK_LEASE_LOST', { task: 7 }),
  );
  assert.deepEqual(readFileSync(join(feeds, 'demo.xml')), before);
});

test('a failure injected after any step leaves either the whole old feed or the whole new feed', async (t) => {
  const dir = tempDir(t);
  const oldParts = makeParts(dir, { count: 2, perPart: 3, gzip: true, tag: 'old' });
  const newParts = makeParts(dir, { count: 2, perPart: 3, gzip: true, tag: 'new' });
  const allSteps: PublishStep[] = ['piece-copied', 'file-written', 'checked', 'fenced', 'file-renamed', 'dir-synced', 'manifest-written', 'done'];
  for (const failAt of allSteps) {
    const feeds = join(dir, `feeds-${failAt}`);
    const gz = { gzip: true, fileName: 'demo.xml.gz' };
    await publishFeed(baseInput(feeds, oldParts.parts, gz));
    const oldBytes = readFileSync(join(feeds, 'demo.xml.gz'));
    await assert.rejects(
      publishFeed(
        baseInput(feeds, newParts.parts, {
          ...gz,
          onStep: (s) => {
            if (s === failAt) throw new Error(`injected at ${s}`);
          },
        }),
      ),
      hasCode('FEEDMILL_PUBLISH_FAILED'),
    );
    const visible = readFileSync(join(feeds, 'demo.xml.gz'));
    const text = gunzipSync(visible).toString();
    const renamed = allSteps.indexOf(failAt) >= allSteps.indexOf('file-renamed');
    if (renamed) assert.equal(text, `<feed>\n${newParts.text}</feed>\n`, `after ${failAt}`);
    else assert.deepEqual(visible, oldBytes, `after ${failAt}`);
    assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), [], `no temp left after ${failAt}`);
  }
});

test('the same input publishes byte-identical feeds', async (t) => {
  const dir = tempDir(t);
  const { parts } = makeParts(dir, { count: 3, perPart: 7, gzip: true });
  const a = await publishFeed(baseInput(join(dir, 'a'), parts, { gzip: true, fileName: 'f.xml.gz', generatedAt: '2024-01-01T00:00:00Z' }));
  const b = await publishFeed(baseInput(join(dir, 'b'), parts, { gzip: true, fileName: 'f.xml.gz', generatedAt: '2025-06-01T00:00:00Z' }));
  assert.deepEqual(readFileSync(a.paths[0] as string), readFileSync(b.paths[0] as string));
  assert.equal(a.manifest.sha256, b.manifest.sha256);
});
