/**
 * `feedmill ingest <url>`: the CLI downloads through the fetch tasks' `fetchSource`, so a shop's
 * export URL protected by HTTP basic auth (`https://user:pass@host/...`) works, and the password
 * shows in no output. fetch() itself refuses such a URL, and its error quoted the password.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cli } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';

test('feedmill ingest <url with credentials> loads the catalog; wrong credentials fail with a coded error that hides them', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const expected = `Basic ${Buffer.from('shop:s3cret').toString('base64')}`;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) res.writeHead(401).end();
    else res.writeHead(200, { 'content-type': 'text/csv' }).end('id,title,price,link\nU1,Pull,19.99,https://shop.example/u1\nU2,Robe,abc,https://shop.example/u2\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dirs = ['--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];

  const ok = await cli(['ingest', `http://shop:s3cret@${host}/export/catalog.csv?key=k3y`, '--catalog', 'shop', '--json', ...dirs]);
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as { version: number; accepted: number; rejected: number };
  assert.deepEqual([report.version, report.accepted, report.rejected], [1, 1, 1]);
  assert.ok(!`${ok.stdout}${ok.stderr}`.includes('s3cret') && !`${ok.stdout}${ok.stderr}`.includes('k3y'));

  const bad = await cli(['ingest', `http://shop:wrong-s3cret@${host}/export/catalog.csv`, '--catalog', 'shop', '--json', ...dirs]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FEEDMILL_SOURCE_FETCH_FAILED/);
  assert.ok(!`${bad.stdout}${bad.stderr}`.includes('wrong-s3cret'), bad.stdout);
});
