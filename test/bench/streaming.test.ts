import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { catalogChunks, createSource, resolveOptions } from '../../bench/generate/index.js';
import { parseGenerateArgs } from '../../bench/generate/cli.js';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('generation is pulled: a stalled sink stops the generator after a bounded number of chunks', async () => {
  const total = 10_000_000;
  const source = createSource(resolveOptions({ shape: 'merchant', format: 'csv', offers: total, out: 'unused' }));
  const readable = Readable.from(catalogChunks(source));
  let received = 0;
  // Takes the first chunk and never acknowledges it: everything after must wait.
  const stalled = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer) {
      received += chunk.length;
    },
  });
  readable.pipe(stalled);
  for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
  readable.unpipe(stalled);
  readable.destroy();
  stalled.destroy();
  assert.ok(received > 0 && received <= 2 * 1024 * 1024 + 64 * 1024, `received ${received}`);
  // Readable.from buffers 16 chunks of ~1 MB (about 1,250 rows each); nothing close to the total.
  assert.ok(source.offers < 40_000, `generated ${source.offers} offers`);
});

test('chunks are about 1 MB and split only between records', () => {
  const source = createSource(resolveOptions({ shape: 'tour', format: 'xml', offers: 40_000, out: 'unused' }));
  const chunks = [...catalogChunks(source)];
  assert.ok(chunks.length >= 3);
  for (const c of chunks.slice(0, -1)) {
    assert.ok(c.length >= 1 << 20 && c.length < (1 << 20) + 200_000, `chunk of ${c.length}`);
    assert.ok(c.toString('utf8').endsWith('</trip>\n'));
  }
});

test('the CLI parses counts the ways people type them and refuses bad options with a code', () => {
  const parsed = parseGenerateArgs(['--shape', 'tour', '--format', 'xml', '--offers', '40_000_000', '--out', 'x.xml', '--level', '1']);
  assert.equal(parsed?.options.offers, 40_000_000);
  assert.equal(parseGenerateArgs(['--shape', 'merchant', '--format', 'csv', '--offers', '1e6', '--out', 'x'])?.options.offers, 1_000_000);
  assert.equal(parseGenerateArgs(['--help']), undefined);
  assert.throws(() => parseGenerateArgs(['--offers', 'many']), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'offers', value: 'many' } });
  assert.throws(() => parseGenerateArgs(['--ofers', '5']), { code: 'FEEDMILL_BENCH_OPTION' });
  assert.throws(() => resolveOptions({ shape: 'merchant', format: 'csv', out: 'x' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'offers', value: undefined } });
  assert.throws(() => resolveOptions({ shape: 'merchant', format: 'csv', offers: 5, trips: 2, out: 'x' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'trips', value: 2 } });
  assert.throws(() => resolveOptions({ shape: 'tour', format: 'csv', offers: 5, out: 'x' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'format', value: 'csv' } });
  assert.throws(() => resolveOptions({ shape: 'merchant', format: 'csv', offers: 5, container: 'rar' as 'zip', out: 'x' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'container', value: 'rar' } });
  assert.throws(() => resolveOptions({ shape: 'merchant', format: 'csv', offers: 0, out: 'x' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'offers', value: 0 } });
});

test('the CLI writes the file and reports it (--json), exit 2 on a bad option', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'c.csv.gz');
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate/cli.ts', '--shape', 'merchant', '--format', 'csv', '--container', 'gzip', '--offers', '25', '--out', out, '--json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as { path: string; offers: number; bytes: number; container: string };
  assert.equal(report.path, out);
  assert.equal(report.offers, 25);
  assert.equal(report.container, 'gzip');
  assert.equal((await readFile(out)).length, report.bytes);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate/cli.ts', '--shape', 'tour', '--format', 'csv', '--offers', '5', '--out', join(dir, 'x')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /FEEDMILL_BENCH_OPTION/);
});
