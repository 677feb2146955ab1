import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFeed, FeedAssembler, type FeedTarget } from '../../../src/emit/publish/index.js';
import { FeedmillError } from '../../../src/errors.js';
import { makeParts, tempDir } from './helpers.js';

const commit = { excluded: 0, catalogVersion: 1, rulesHash: null, generatedAt: '2024-01-01T00:00:00.000Z', gate: false as const, keepVersions: 0 };

function target(dir: string, over: Partial<FeedTarget> = {}): FeedTarget {
  return { dir, catalog: 'acme', channel: 'demo', fileName: 'demo.xml', gzip: false, header: '<feed>\n', footer: '</feed>\n', ...over };
}

test('parts handed over in any order are appended in feed order; consumed parts are deleted', async (t) => {
  const dir = tempDir(t);
  const { parts, text } = makeParts(dir, { count: 6, perPart: 3, gzip: false });
  const a = await FeedAssembler.open(target(join(dir, 'feeds'), { consumeParts: true }));
  for (const i of [3, 0, 5, 1, 4, 2]) a.add(i, parts[i] ?? assert.fail());
  const written = await a.finish(6);
  assert.equal(written.items, 18);
  assert.equal(written.files.length, 1);
  assert.ok(parts.every((p) => !existsSync(p.path)), 'appended parts are removed');
  const r = await commitFeed(written, commit);
  assert.equal(readFileSync(r.paths[0] as string, 'utf8'), `<feed>\n${text}</feed>\n`);
});

test('online split: a part that would pass the limit starts the next numbered file', async (t) => {
  const dir = tempDir(t);
  const { parts, text } = makeParts(dir, { count: 5, perPart: 4, gzip: false });
  const a = await FeedAssembler.open(target(join(dir, 'feeds'), { limits: { maxItems: 8, split: true } }));
  for (const [i, p] of parts.entries()) a.add(i, p);
  const r = await commitFeed(await a.finish(5), commit);
  assert.deepEqual(r.manifest.files.map((f) => [f.fileName, f.items]), [['demo.1.xml', 8], ['demo.2.xml', 8], ['demo.3.xml', 4]]);
  const bodies = r.paths.map((p) => readFileSync(p, 'utf8'));
  for (const b of bodies) assert.ok(b.startsWith('<feed>\n') && b.endsWith('</feed>\n'));
  assert.equal(bodies.map((b) => b.slice(7, -8)).join(''), text);
});

test('without split allowed, passing the limit is FEEDMILL_PUBLISH_TOO_LARGE and onError hears it once', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const { parts } = makeParts(dir, { count: 3, perPart: 4, gzip: false });
  const a = await FeedAssembler.open(target(feeds, { limits: { maxItems: 6 } }));
  const heard: unknown[] = [];
  a.onError = (e) => heard.push(e);
  for (const [i, p] of parts.entries()) a.add(i, p);
  await assert.rejects(a.finish(3), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_PUBLISH_TOO_LARGE' && e.details.items === 8);
  assert.equal(heard.length, 1);
  await a.abort();
  assert.deepEqual(readdirSync(feeds), [], 'the temp file is removed');
});

test('a missing part fails with FEEDMILL_PUBLISH_FAILED naming the path; a gap is an internal error', async (t) => {
  const dir = tempDir(t);
  const feeds = join(dir, 'feeds');
  const { parts } = makeParts(dir, { count: 2, perPart: 1, gzip: false });
  const a = await FeedAssembler.open(target(feeds));
  a.add(0, parts[0] ?? assert.fail());
  a.add(1, { ...(parts[1] ?? assert.fail()), path: join(dir, 'nope') });
  await assert.rejects(a.finish(2), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_PUBLISH_FAILED' && e.details.op === 'copy' && e.details.errno === 'ENOENT');
  await a.abort();
  const b = await FeedAssembler.open(target(feeds));
  b.add(1, parts[1] ?? assert.fail());
  await assert.rejects(b.finish(2), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INTERNAL' && JSON.stringify(e.details.waiting) === '[1]');
  await b.abort();
  assert.deepEqual(readdirSync(feeds), []);
});
