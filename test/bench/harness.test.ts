import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { failureOf, parseResultLine, reduceTrials, renderTable, runBenchmark, runTrial, machineInfo, type BenchResult } from '../../bench/lib/index.js';
import { BENCHMARKS, parseHarnessArgs, selectBenchmarks } from '../../bench/run.js';
import { tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const result = (over: Partial<BenchResult> = {}): BenchResult => ({
  stage: 'ingest', variant: 'merchant-csv-plain', offers: 1000, bytes: 850_000, seconds: 2, peakRssBytes: 100e6, ...over,
});

test('parseResultLine takes the last line and refuses anything else', () => {
  const line = JSON.stringify(result({ extra: { rejects: 0 } }));
  assert.deepEqual(parseResultLine(`progress 10%\nprogress 90%\n${line}\n\n`), result({ extra: { rejects: 0 } }));
  assert.throws(() => parseResultLine(''), { code: 'FEEDMILL_BENCH_FAILED' });
  assert.throws(() => parseResultLine(`${line}\ndone`), { code: 'FEEDMILL_BENCH_FAILED', details: { last: 'done' } });
  const missing = JSON.stringify({ stage: 'x', variant: 'y', offers: 1, bytes: 1, seconds: 1 });
  assert.throws(() => parseResultLine(missing), { code: 'FEEDMILL_BENCH_FAILED', details: { last: missing } });
  const negative = JSON.stringify(result({ seconds: -1 }));
  assert.throws(() => parseResultLine(negative), { code: 'FEEDMILL_BENCH_FAILED', details: { last: negative } });
  const badCpu = JSON.stringify(result({ cpuSeconds: -0.5 }));
  assert.throws(() => parseResultLine(badCpu), { code: 'FEEDMILL_BENCH_FAILED', details: { last: badCpu } });
});

test('runBenchmark prints one parseable line with the process peak RSS', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const r = await runBenchmark('demo', 'v', async () => ({ offers: 3, bytes: 30, extra: { note: 'x' } }), out);
  assert.equal(text.split('\n').filter(Boolean).length, 1);
  assert.deepEqual(parseResultLine(text), r);
  assert.equal(r.offers, 3);
  assert.ok(r.peakRssBytes > 1e6 && r.peakRssBytes === Math.floor(r.peakRssBytes));
  assert.ok(r.seconds >= 0);
  assert.ok(r.cpuSeconds !== undefined && r.cpuSeconds >= 0);
});

test('runBenchmark counts the CPU time of the body, other threads included', async () => {
  const { pbkdf2 } = await import('node:crypto');
  // Key derivation runs on a libuv pool thread while this thread waits in the event loop: what the
  // result counts is the pool thread's CPU, as it must count a transform worker's.
  const derive = (iterations: number): Promise<unknown> =>
    new Promise((resolve, reject) => pbkdf2('pw', 'salt', iterations, 64, 'sha512', (err, key) => (err ? reject(err) : resolve(key))));
  const idle = await runBenchmark('demo', 'idle', async () => ({ offers: 1, bytes: 0 }), new PassThrough());
  const busy = await runBenchmark(
    'demo',
    'pool',
    async () => {
      await derive(300_000);
      return { offers: 1, bytes: 0 };
    },
    new PassThrough(),
  );
  assert.ok((idle.cpuSeconds ?? 1) < 0.02, `idle body: ${idle.cpuSeconds} s`);
  assert.ok((busy.cpuSeconds ?? 0) >= 0.03, `300,000 rounds of PBKDF2-SHA512 on a pool thread: ${busy.cpuSeconds} s`);
});

test('trials reduce to the median time and the highest peak RSS', () => {
  const row = reduceTrials([
    result({ seconds: 4, peakRssBytes: 1, cpuSeconds: 0.03 }),
    result({ seconds: 1, peakRssBytes: 3, cpuSeconds: 0.012 }),
    result({ seconds: 2, peakRssBytes: 2, cpuSeconds: 0.015 }),
  ]);
  assert.equal(row.seconds, 2);
  assert.equal(row.cpuMicrosPerOffer, 15);
  assert.equal(reduceTrials([result(), result({ cpuSeconds: 1 })]).cpuMicrosPerOffer, undefined);
  assert.equal(row.offersPerSecond, 500);
  assert.equal(row.megabytesPerSecond, 0.425);
  assert.equal(row.peakRssBytes, 3);
  assert.equal(row.trials.length, 3);
  const table = renderTable(machineInfo(), [row], [failureOf('export', 'meta', new Error('boom'))]);
  const lines = table.trim().split('\n');
  assert.match(lines[0] ?? '', /^machine: \d+ cores, /);
  assert.ok(lines.some((l) => /^ingest\s+merchant-csv-plain\s+1,000\s+2\.00\s+500\s+0\.4\s+0\s+15\.0$/.test(l)), table);
  assert.ok(lines.some((l) => l.startsWith('FAILED export/meta: FEEDMILL_BENCH_FAILED')), table);
});

test('harness options: --only must name registered benchmarks', () => {
  assert.ok(BENCHMARKS.some((b) => b.stage === 'generate'));
  assert.equal(selectBenchmarks(BENCHMARKS, ['generate']).length, BENCHMARKS.filter((b) => b.stage === 'generate').length);
  assert.deepEqual(selectBenchmarks(BENCHMARKS, ['generate/tour-xml-plain']).map((b) => b.dataset.shape), ['tour']);
  assert.throws(() => selectBenchmarks(BENCHMARKS, ['generat']), (err: { code: string; details: { unknown: string[]; known: string[] } }) => {
    assert.equal(err.code, 'FEEDMILL_BENCH_OPTION');
    assert.deepEqual(err.details.unknown, ['generat']);
    assert.ok(err.details.known.includes('generate'));
    return true;
  });
  // The per-channel exports run only when asked for: a full run keeps to the targets' rows.
  assert.ok(!selectBenchmarks(BENCHMARKS, undefined).some((b) => b.stage === 'channel'));
  assert.ok(!selectBenchmarks(BENCHMARKS, ['export']).some((b) => b.stage === 'channel'));
  assert.deepEqual(selectBenchmarks(BENCHMARKS, ['channel/meta']).map((b) => b.args), [['--variant', 'channel:meta']]);
  assert.ok(selectBenchmarks(BENCHMARKS, ['channel']).length >= 6);
  const o = parseHarnessArgs(['--size', '1_000', '--only', 'a, b', '--trials', '3']);
  assert.equal(o.size, 1000);
  assert.equal(o.tourSize, 1000);
  assert.deepEqual(o.only, ['a', 'b']);
  assert.throws(() => parseHarnessArgs(['--size', '0']), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'size', value: '0' } });
  assert.throws(() => parseHarnessArgs(['--sizes', '5']), { code: 'FEEDMILL_BENCH_OPTION' });
});

test('runTrial runs a real stage script in a fresh process and checks its count', async () => {
  const args = ['--shape', 'merchant', '--format', 'csv', '--container', 'gzip', '--offers', '120', '--seed', '1'];
  const spec = { script: 'bench/generate/bench.ts', args, stage: 'generate', variant: 'merchant-csv-gzip' };
  const r = await runTrial(ROOT, { ...spec, expectOffers: 120 });
  assert.equal(r.stage, 'generate');
  assert.equal(r.variant, 'merchant-csv-gzip');
  assert.equal(r.offers, 120);
  assert.ok(r.bytes > 120 * 500);
  assert.ok(typeof r.extra?.['fileBytes'] === 'number' && (r.extra['fileBytes'] as number) < r.bytes);
  // The command in the details carries the temp work dir, so check the fields that do not vary.
  await assert.rejects(runTrial(ROOT, { ...spec, expectOffers: 121 }), (err: { code: string; details: Record<string, unknown> }) => {
    assert.equal(err.code, 'FEEDMILL_BENCH_FAILED');
    assert.equal(err.details['reported'], 120);
    assert.equal(err.details['expected'], 121);
    assert.match(String(err.details['command']), /^node --import tsx bench\/generate\/bench\.ts /);
    return true;
  });
  await assert.rejects(runTrial(ROOT, { ...spec, script: 'bench/no-such-stage.ts', expectOffers: 120 }), (err: { code: string; details: Record<string, unknown> }) => {
    assert.equal(err.code, 'FEEDMILL_BENCH_FAILED');
    assert.equal(err.details['exitCode'], 1);
    return true;
  });
});

test('npm run bench end to end: each benchmark in its own process, counts checked, JSON out', async (t) => {
  const dataDir = await tempDir(t);
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--data-dir', dataDir, ...argv], { cwd: ROOT, encoding: 'utf8' });
  const first = run('--size', '300', '--tour-size', '900', '--only', 'generate/merchant-csv-zip,generate/tour-xml-plain', '--json');
  assert.equal(first.status, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { machine: { cores: number; node: string }; rows: { stage: string; variant: string; offers: number; trials: unknown[] }[]; failures: unknown[] };
  assert.equal(report.machine.node, process.version);
  assert.ok(report.machine.cores >= 1);
  assert.deepEqual(report.rows.map((r) => [r.stage, r.variant, r.offers, r.trials.length]), [
    ['generate', 'merchant-csv-zip', 300, 1],
    ['generate', 'tour-xml-plain', 900, 1],
  ]);
  assert.deepEqual(report.failures, []);
  const bad = run('--only', 'nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /FEEDMILL_BENCH_OPTION/);
});
