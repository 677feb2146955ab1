import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { main } from '../../../src/cli/run.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(argv, {
    stdout: new Writable({ write(c, _e, cb) { stdout += String(c); cb(); } }),
    stderr: new Writable({ write(_c, _e, cb) { cb(); } }),
    signal: new AbortController().signal,
  });
  return { code, stdout };
}

test('feedmill channels lists every definition, as text and as JSON', async () => {
  const text = await run(['channels']);
  assert.equal(text.code, 0);
  for (const name of ['google-shopping', 'google-shopping-tsv', 'meta', 'microsoft', 'idealo', 'kelkoo', 'generic-csv', 'google-hotel-prices']) {
    assert.match(text.stdout, new RegExp(`^${name} `, 'm'));
  }
  const json = await run(['channels', '--json']);
  const out = JSON.parse(json.stdout) as { channels: { name: string; format: string; fileName: string; spec: string; fields: { name: string }[] }[] };
  const google = out.channels.find((c) => c.name === 'google-shopping');
  assert.equal(google?.format, 'xml');
  assert.equal(google?.fileName, 'google-shopping.xml');
  assert.ok(google?.fields.some((f) => f.name === 'g:gtin'));
  assert.equal(out.channels.length, 8);
});
