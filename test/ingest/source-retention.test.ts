/**
 * Sources kept on the data disk: after each ingest only those of the newest versions stay, so a
 * catalog fetched every night does not fill the disk; nothing outside the catalog's sources folder,
 * nothing waiting for its ingest and nothing the next conditional fetch needs is deleted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../../src/config.js';
import { ingestFile } from '../../src/ingest/index.js';
import { FetchState } from '../../src/tasks/fetch-state.js';
import { testEnv } from '../helpers/env.js';

test('after each ingest only the sources of the newest versions stay, failed ones counted', async (t) => {
  const env = testEnv({ keepSources: 2 });
  t.after(() => env.cleanup());
  const dir = join(dataPaths(env.config).sources, 'shop');
  mkdirSync(dir, { recursive: true });
  const source = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const ingest = (path: string) => ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: path, createCatalog: true });
  const good = (n: number) => `id,title,price\nA${n},a,1\n`;

  const s1 = source('1-upload.csv', good(1));
  const s2 = source('2-upload.csv', good(2));
  const waiting = source('9-queued.csv', good(9)); // an upload whose task has not run yet
  const local = env.path('local.csv'); // a file the user gave to `feedmill ingest`
  writeFileSync(local, good(0));
  await ingest(local);
  await ingest(s1);
  await ingest(s2);
  assert.ok(existsSync(local) && existsSync(s1) && existsSync(s2), 'three versions, two kept sources');

  const s3 = source('3-upload.csv', 'id,title,price\n'); // fails: no record
  await assert.rejects(ingest(s3));
  assert.deepEqual([existsSync(s1), existsSync(s2), existsSync(s3)], [false, true, true], 'the failed one counts among the newest');

  const s4 = source('4-fetched.csv', good(4));
  new FetchState(env.db).set({ catalog: 'shop', url: 'https://shop.example/feed.csv', etag: '"x"', lastModified: null, sha256: '0', path: s2, bytes: 1, fetchedAt: 0 });
  await ingest(s4);
  assert.ok(existsSync(s2), 'the next conditional fetch compares against this file');
  assert.ok(existsSync(local), 'never a file outside the sources folder');
  assert.ok(existsSync(waiting), 'never a file no version names');
  assert.deepEqual([existsSync(s3), existsSync(s4)], [true, true]);
});
