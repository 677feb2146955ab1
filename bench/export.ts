/**
 * Export benchmark: a staged catalog version → published feeds, through the same `exportCatalog`
 * the CLI uses (piscina pool, one worker per core, parts, atomic publish). Variants:
 *   google-xml      Google Shopping RSS, uncompressed        (target ≥ 200,000 offers/s on 2 cores)
 *   google-xml-gz   the same, gzipped (members per part)     (target ≥ 100,000 offers/s)
 *   three-channels  google-shopping + meta + microsoft, one pass (target ≥ 100,000 offers/s)
 *   hotel           tour-operator departures → google-hotel-prices (40 M in ≤ 8 min: ≥ 83,000/s)
 *   channel:<name>  that channel alone, uncompressed (the optional `channel` stage of bench/run.ts)
 * The input is staged first, untimed, by `feedmill ingest` in a child process, so the peak RSS
 * printed is the export's alone (getrusage counts the whole process, worker threads included).
 *
 *   node --import tsx bench/export.ts --variant google-xml --shape merchant --format csv \
 *     --offers 50000 --work-dir DIR [--input FILE] [--workers N]
 * Without --input the data set is generated into <work-dir>/data. Prints one JSON result line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { FeedmillError } from '../src/errors.js';
import { exportCatalog, TransformPool } from '../src/transform/index.js';
import { ensureDataset, type Format, type Shape } from './generate/index.js';
import { parseBenchArgs } from './lib/bench-args.js';
import { runBenchmark } from './lib/measure.js';

const VARIANTS = {
  'google-xml': { channels: ['google-shopping'], gzip: false, shape: 'merchant' },
  'google-xml-gz': { channels: ['google-shopping'], gzip: true, shape: 'merchant' },
  'three-channels': { channels: ['google-shopping', 'meta', 'microsoft'], gzip: false, shape: 'merchant' },
  hotel: { channels: ['google-hotel-prices'], gzip: false, shape: 'tour' },
} as const;
type Variant = keyof typeof VARIANTS;
interface VariantSpec {
  channels: readonly string[];
  gzip: boolean;
  shape: Shape;
  /** How the harness names the row: `export/<variant>`, or `channel/<name>` for a single channel. */
  stage: 'export' | 'channel';
  shown: string;
}

/** A named variant, or `channel:<name>`: that one channel alone, uncompressed (per-channel figures). */
function variantFor(name: string): VariantSpec {
  if (name in VARIANTS) return { ...VARIANTS[name as Variant], stage: 'export', shown: name };
  if (name.startsWith('channel:')) {
    const channel = name.slice('channel:'.length);
    return { channels: [channel], gzip: false, shape: channel === 'google-hotel-prices' ? 'tour' : 'merchant', stage: 'channel', shown: channel };
  }
  throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--variant must be one of ${Object.keys(VARIANTS).join(', ')} or channel:<name>`, { option: 'variant', value: name });
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = parseBenchArgs(process.argv.slice(2), { variant: { type: 'string', default: 'google-xml' }, workers: { type: 'string' } });
const variantName = String(args.values.variant);
const variant = variantFor(variantName);
if (args.shape !== variant.shape) {
  throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--variant ${variantName} reads ${variant.shape} data, got --shape ${args.shape}`, { option: 'shape', value: args.shape });
}
const input =
  args.input ??
  (await ensureDataset(join(args.workDir, 'data'), { shape: args.shape as Shape, format: args.format as Format, container: 'plain' }, args.offers, args.seed)).result.path;

// Staging on tmpfs as in production; feeds on the work dir's disk.
const stagingDir = existsSync('/dev/shm') ? join('/dev/shm', `feedmill-bench-export-${process.pid}`) : join(args.workDir, 'staging');
const dataDir = join(args.workDir, 'feedmill');
const profile = args.shape === 'tour' ? 'tour-operator' : args.format === 'xml' ? 'google-feed' : 'generic';
const ingest = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'ingest', input, '--catalog', 'bench', '--profile', profile, '--data-dir', dataDir, '--staging-dir', stagingDir, '--json'],
  { encoding: 'utf8', env: { ...process.env, FEEDMILL_LOG_LEVEL: 'silent' }, maxBuffer: 1 << 24 },
);
if (ingest.status !== 0) {
  throw new FeedmillError('FEEDMILL_BENCH_FAILED', `staging the input failed: ${ingest.stderr.slice(0, 500)}`, { status: ingest.status });
}
const staged = JSON.parse(ingest.stdout.trim().split('\n').pop() ?? '{}') as { offers?: number };

const workers = args.values.workers === undefined ? undefined : Number(args.values.workers);
const config = loadConfig({ dataDir, stagingDir, logLevel: 'silent', ...(workers === undefined ? {} : { transformWorkers: workers }) }, {});
// Thread start-up (module loading, through tsx here) is timed apart: a server or task bot keeps
// its pool, and the compiled CLI starts its threads in a fraction of what tsx needs.
const startClock = process.hrtime.bigint();
const pool = new TransformPool({ workers: config.transformWorkers });
await pool.warmUp();
const poolStartSeconds = Number(process.hrtime.bigint() - startClock) / 1e9;
try {
  await runBenchmark(variant.stage, variant.shown, async () => {
    const r = await exportCatalog({ config, catalog: 'bench', channels: [...variant.channels], rulesPath: null, gzip: variant.gzip, force: true, pool });
    const offers = r.quality[variant.channels[0] as string]?.itemsIn ?? 0;
    if (staged.offers !== undefined && offers !== staged.offers) {
      throw new FeedmillError('FEEDMILL_BENCH_FAILED', `staged ${staged.offers} offers but the export read ${offers}`, { staged: staged.offers, offers });
    }
    return {
      offers,
      bytes: r.feeds.reduce((n, f) => n + f.bytes, 0),
      extra: {
        workers: config.transformWorkers,
        poolStartSeconds,
        feeds: r.feeds.map((f) => ({ channel: f.channel, items: f.items, excluded: f.excluded, bytes: f.bytes })),
      },
    };
  });
} finally {
  await pool.close();
  rmSync(stagingDir, { recursive: true, force: true });
}
