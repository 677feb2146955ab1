/**
 * `feedmill feeds list|rollback`: kept versions of a published feed, and rolling back to one puts
 * its exact bytes back under the public name. A regression shows as a rollback serving other bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli } from '../helpers/cli.js';
import { stageCatalog, tempRoot, testConfig } from './pool/fixtures/stage.js';

test('feeds list shows the kept versions; rollback serves the earlier bytes again', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root);
  const dirs = ['--data-dir', config.dataDir, '--staging-dir', config.stagingDir];
  stageCatalog(config, 'acme', 20);
  const first = await cli(['export', '--catalog', 'acme', '--channels', 'meta', '--no-rules', '--json', ...dirs]);
  assert.equal(first.code, 0, first.stderr);
  const path = (JSON.parse(first.stdout) as { feeds: { path: string }[] }).feeds[0]?.path ?? assert.fail();
  const v1 = readFileSync(path);
  stageCatalog(config, 'acme', 30);
  const second = await cli(['export', '--catalog', 'acme', '--channels', 'meta', '--no-rules', '--json', ...dirs]);
  assert.equal(second.code, 0, second.stderr);
  assert.notDeepEqual(readFileSync(path), v1);

  const list = await cli(['feeds', 'list', '--catalog', 'acme', '--channel', 'meta', '--json', ...dirs]);
  assert.equal(list.code, 0, list.stderr);
  const versions = (JSON.parse(list.stdout) as { versions: { sequence: number; items: number }[] }).versions;
  assert.deepEqual(versions.map((v) => [v.sequence, v.items]), [[2, 30], [1, 20]]);

  const back = await cli(['feeds', 'rollback', '--catalog', 'acme', '--channel', 'meta', '--json', ...dirs]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal((JSON.parse(back.stdout) as { manifest: { items: number } }).manifest.items, 20);
  assert.deepEqual(readFileSync(path), v1);

  const bad = await cli(['feeds', 'rollback', '--catalog', 'acme', '--channel', 'meta', '--to', '99', '--json', ...dirs]);
  assert.equal(bad.code, 1);
  assert.equal((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_PUBLISH_FAILED');
  const traversal = await cli(['feeds', 'list', '--catalog', '../etc', '--channel', 'meta', '--json', ...dirs]);
  assert.equal((JSON.parse(traversal.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_NAME_INVALID');
});
