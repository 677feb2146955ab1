import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli } from '../helpers/cli.js';
import { stageCatalog, tempRoot, testConfig } from './pool/fixtures/stage.js';

test('feedmill export --json prints the feeds and publishes them (gzip and --out too)', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root);
  stageCatalog(config, 'acme', 25);
  const dirs = ['--data-dir', config.dataDir, '--staging-dir', config.stagingDir];
  const out = join(root, 'out');
  const r = await cli(['export', '--catalog', 'acme', '--channels', 'google-shopping,meta', '--out', out, '--no-rules', '--json', ...dirs]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { catalog: string; version: number; seconds: number; feeds: { channel: string; path: string; items: number; excluded: number; bytes: number; sha256: string }[] };
  assert.equal(json.catalog, 'acme');
  assert.equal(json.version, 1);
  assert.equal(typeof json.seconds, 'number');
  assert.deepEqual(json.feeds.map((f) => [f.channel, f.items, f.excluded]), [['google-shopping', 25, 0], ['meta', 25, 0]]);
  const google = json.feeds[0] ?? assert.fail();
  assert.equal(readFileSync(google.path).length, google.bytes);
  assert.deepEqual(readFileSync(join(out, 'google-shopping.xml')), readFileSync(google.path));
  const lint = spawnSync('xmllint', ['--noout', google.path], { encoding: 'utf8' });
  if (lint.error === undefined) assert.equal(lint.status, 0, lint.stderr);
  const plain = readFileSync(google.path);

  const gz = await cli(['export', '--catalog', 'acme', '--channels', 'google-shopping', '--gzip', '--no-rules', '--json', ...dirs]);
  assert.equal(gz.code, 0, gz.stderr);
  const gzFeed = (JSON.parse(gz.stdout) as typeof json).feeds[0] ?? assert.fail();
  assert.ok(gzFeed.path.endsWith('google-shopping.xml.gz'));
  assert.deepEqual(gunzipSync(readFileSync(gzFeed.path)), plain);
  // The channel's manifest now lists the .gz file: the plain one it replaced is gone.
  assert.throws(() => readFileSync(google.path), { code: 'ENOENT' });
});

test('feedmill export: usage errors exit 2, coded errors exit 1 with the code in --json', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root);
  const dirs = ['--data-dir', config.dataDir, '--staging-dir', config.stagingDir];
  assert.equal((await cli(['export', '--channels', 'meta', ...dirs])).code, 2);
  const missing = await cli(['export', '--catalog', 'nope', '--channels', 'meta', '--json', ...dirs]);
  assert.equal(missing.code, 1);
  assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_CATALOG_UNKNOWN');
  stageCatalog(config, 'acme', 3);
  const noChannels = await cli(['export', '--catalog', 'acme', ...dirs]);
  assert.equal(noChannels.code, 2);
});
