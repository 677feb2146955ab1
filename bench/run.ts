/**
 * `npm run bench`: generates the data sets once per size (cached in bench/.data/), runs every
 * registered stage benchmark in a fresh process, checks the offer counts, and prints a table
 * (or --json) with the machine beside it.
 *
 *   npm run bench -- [--size N] [--tour-size N] [--only STAGE[/VARIANT],...] [--trials N]
 *                    [--data-dir DIR] [--seed S] [--json] [--list]
 *
 * To add a stage: write a script that reads the standard arguments with `parseBenchArgs()` and
 * prints its result with `runBenchmark()` (bench/lib), then add one entry to BENCHMARKS below.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FeedmillError, toFeedmillError } from '../src/errors.js';
import { datasetName, ensureDataset, type DatasetKey, type GenerateResult } from './generate/index.js';
import { failureOf, reduceTrials, renderTable, runTrial, type BenchFailure, type BenchRow } from './lib/harness.js';
import { machineInfo } from './lib/machine.js';
import type { BenchResult } from './lib/measure.js';

export interface BenchSpec {
  stage: string;
  /** Shown in the table; defaults to the data set's name (`merchant-csv-zip`). */
  variant?: string;
  /** Repo-relative path of the script. */
  script: string;
  /** The data the stage reads; the harness generates it first unless `pregenerate` is false. */
  dataset: DatasetKey;
  /** false: the script makes its own data (the generator's benchmark). @default true */
  pregenerate?: boolean;
  /** Extra arguments after the standard ones. */
  args?: readonly string[];
  /** Runs only when `--only` names its stage or variant, not in a full run. @default false */
  optional?: boolean;
}

/** Channels measured one at a time by the optional `channel` stage (Google and hotel prices have their own rows). */
const SINGLE_CHANNELS = ['google-shopping-tsv', 'meta', 'microsoft', 'idealo', 'kelkoo', 'generic-csv'] as const;

/** The registry. Each entry runs in its own process; keep one entry per (stage, variant). */
export const BENCHMARKS: readonly BenchSpec[] = [
  { stage: 'generate', script: 'bench/generate/bench.ts', dataset: { shape: 'merchant', format: 'csv', container: 'plain' }, pregenerate: false },
  { stage: 'generate', script: 'bench/generate/bench.ts', dataset: { shape: 'merchant', format: 'xml', container: 'plain' }, pregenerate: false },
  { stage: 'generate', script: 'bench/generate/bench.ts', dataset: { shape: 'merchant', format: 'csv', container: 'gzip' }, pregenerate: false },
  { stage: 'generate', script: 'bench/generate/bench.ts', dataset: { shape: 'merchant', format: 'csv', container: 'zip' }, pregenerate: false },
  { stage: 'generate', script: 'bench/generate/bench.ts', dataset: { shape: 'tour', format: 'xml', container: 'plain' }, pregenerate: false },
  { stage: 'ingest', script: 'bench/ingest.ts', dataset: { shape: 'merchant', format: 'csv', container: 'plain' } },
  { stage: 'ingest', script: 'bench/ingest.ts', dataset: { shape: 'merchant', format: 'csv', container: 'gzip' } },
  { stage: 'ingest', script: 'bench/ingest.ts', dataset: { shape: 'merchant', format: 'csv', container: 'zip' } },
  { stage: 'ingest', script: 'bench/ingest.ts', dataset: { shape: 'merchant', format: 'xml', container: 'plain' } },
  { stage: 'ingest', script: 'bench/ingest.ts', dataset: { shape: 'tour', format: 'xml', container: 'plain' } },
  { stage: 'export', variant: 'google-xml', script: 'bench/export.ts', dataset: { shape: 'merchant', format: 'csv', container: 'plain' }, args: ['--variant', 'google-xml'] },
  { stage: 'export', variant: 'google-xml-gz', script: 'bench/export.ts', dataset: { shape: 'merchant', format: 'csv', container: 'plain' }, args: ['--variant', 'google-xml-gz'] },
  { stage: 'export', variant: 'three-channels', script: 'bench/export.ts', dataset: { shape: 'merchant', format: 'csv', container: 'plain' }, args: ['--variant', 'three-channels'] },
  { stage: 'export', variant: 'hotel', script: 'bench/export.ts', dataset: { shape: 'tour', format: 'xml', container: 'plain' }, args: ['--variant', 'hotel'] },
  ...SINGLE_CHANNELS.map(
    (channel): BenchSpec => ({
      stage: 'channel',
      variant: channel,
      script: 'bench/export.ts',
      dataset: { shape: 'merchant', format: 'csv', container: 'plain' },
      args: ['--variant', `channel:${channel}`],
      optional: true,
    }),
  ),
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA_DIR = resolve(ROOT, 'bench/.data');
/** The issue's reference size: its library measurements were taken at 1 M merchant offers. */
const DEFAULT_SIZE = 1_000_000;

const HELP = `usage: npm run bench -- [options]

  --size N          merchant offers per data set (default ${DEFAULT_SIZE.toLocaleString('en-US')})
  --tour-size N     tour-operator offers (departures); default: --size (the issue's target is 40000000)
  --only LIST       comma-separated stages or stage/variant (e.g. ingest,generate/tour-xml-plain);
                    the stage \`channel\` (one export per channel: meta, idealo...) runs only when named
  --trials N        runs per benchmark, each in a fresh process; the median is shown (default 1)
  --data-dir DIR    where generated data sets are cached (default bench/.data; tmpfs is faster)
  --seed S          generator seed (default 1)
  --json            one JSON object on stdout: machine, options, rows with every trial, failures
  --list            list the registered benchmarks and exit`;

export interface HarnessOptions {
  size: number;
  tourSize: number;
  only: string[] | undefined;
  trials: number;
  dataDir: string;
  seed: string;
  json: boolean;
  list: boolean;
  help: boolean;
}

function whole(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--${option} must be a whole number ≥ 1, got ${JSON.stringify(text)}`, { option, value: text });
  }
  return value;
}

export function parseHarnessArgs(argv: string[]): HarnessOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        size: { type: 'string' },
        'tour-size': { type: 'string' },
        only: { type: 'string' },
        trials: { type: 'string' },
        'data-dir': { type: 'string' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `${(err as Error).message}\n${HELP}`, { argv }, { cause: err });
  }
  const v = parsed.values;
  const size = whole('size', v.size, DEFAULT_SIZE);
  return {
    size,
    tourSize: whole('tour-size', v['tour-size'], size),
    only: v.only === undefined ? undefined : v.only.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    trials: whole('trials', v.trials, 1),
    dataDir: resolve(v['data-dir'] ?? DEFAULT_DATA_DIR),
    seed: v.seed ?? '1',
    json: v.json === true,
    list: v.list === true,
    help: v.help === true,
  };
}

function variantOf(spec: BenchSpec): string {
  return spec.variant ?? datasetName(spec.dataset);
}

/** Entries whose stage or stage/variant is in `only`; an unknown name is an error listing the known ones. */
export function selectBenchmarks(all: readonly BenchSpec[], only: readonly string[] | undefined): BenchSpec[] {
  if (only === undefined) return all.filter((s) => s.optional !== true);
  const known = new Set(all.flatMap((s) => [s.stage, `${s.stage}/${variantOf(s)}`]));
  const unknown = only.filter((o) => !known.has(o));
  if (unknown.length > 0) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--only names unknown benchmarks: ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}`, {
      option: 'only', unknown, known: [...known].sort(),
    });
  }
  return all.filter((s) => only.includes(s.stage) || only.includes(`${s.stage}/${variantOf(s)}`));
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let options: HarnessOptions;
  let specs: BenchSpec[];
  try {
    options = parseHarnessArgs(argv);
    specs = selectBenchmarks(BENCHMARKS, options.only);
  } catch (err) {
    const e = toFeedmillError(err);
    process.stderr.write(`bench: ${e.code}: ${e.message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (options.list) {
    for (const s of BENCHMARKS) process.stdout.write(`${s.stage}/${variantOf(s)}  ${s.script}\n`);
    return 0;
  }
  const machine = machineInfo();
  const rows: BenchRow[] = [];
  const failures: BenchFailure[] = [];
  const datasets = new Map<string, GenerateResult>();

  for (const spec of specs) {
    const variant = variantOf(spec);
    const offers = spec.dataset.shape === 'tour' ? options.tourSize : options.size;
    try {
      const args = [
        '--shape', spec.dataset.shape, '--format', spec.dataset.format, '--container', spec.dataset.container,
        '--offers', String(offers), '--seed', options.seed,
      ];
      if (spec.pregenerate !== false) {
        const key = `${datasetName(spec.dataset)}/${offers}`;
        let data = datasets.get(key);
        if (data === undefined) {
          const { result, generated, seconds } = await ensureDataset(options.dataDir, spec.dataset, offers, options.seed);
          log(generated ? `generated ${result.path} (${(result.bytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s` : `reusing ${result.path}`);
          data = result;
          datasets.set(key, data);
        }
        args.push('--input', data.path, '--bytes', String(data.bytes));
      }
      if (spec.args) args.push(...spec.args);
      const trials: BenchResult[] = [];
      for (let t = 1; t <= options.trials; t++) {
        log(`running ${spec.stage}/${variant} (${offers} offers${options.trials > 1 ? `, trial ${t}/${options.trials}` : ''})`);
        trials.push(await runTrial(ROOT, { script: spec.script, args, expectOffers: offers, stage: spec.stage, variant }));
      }
      rows.push(reduceTrials(trials));
    } catch (err) {
      const failure = failureOf(spec.stage, variant, err);
      log(`FAILED ${spec.stage}/${variant}: ${failure.error.code}: ${failure.error.message}`);
      failures.push(failure);
    }
  }

  if (options.json) {
    const { json: _json, list: _list, help: _help, ...shown } = options;
    process.stdout.write(`${JSON.stringify({ machine, options: shown, rows, failures })}\n`);
  } else {
    process.stdout.write(renderTable(machine, rows, failures));
  }
  return failures.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
