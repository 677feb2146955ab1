/**
 * Ingest benchmark: one generated catalog (merchant or tour; CSV or XML; plain, gzip or zip) into a
 * fresh staging DB on the RAM disk, through the same `ingestFile` the CLI uses. The harness
 * (bench/run.ts) generates the input and runs this script in a fresh process per trial.
 * Prints one result line: offers/s and MB/s follow from offers, bytes and seconds.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openAppDb } from '../src/db/index.js';
import { ingestFile } from '../src/ingest/index.js';
import { CatalogVersions } from '../src/staging/index.js';
import { parseBenchArgs } from './lib/bench-args.js';
import { runBenchmark } from './lib/measure.js';

const args = parseBenchArgs();
if (args.input === undefined) throw new Error('bench/ingest.ts needs --input (bench/run.ts generates it)');
const input = args.input;
// Staging on tmpfs as in production; the work dir (data dir) on disk.
const stagingRoot = existsSync('/dev/shm') ? join('/dev/shm', `feedmill-bench-${process.pid}`) : join(args.workDir, 'staging');
const config = loadConfig({ dataDir: join(args.workDir, 'data'), stagingDir: stagingRoot, logLevel: 'silent' }, {});
const db = openAppDb(config);
// The profile a user gets by default: the generated merchant files use Google's attribute names,
// so auto picks google-feed for both the CSV and the RSS feed, and tour-operator for the trips.
const profile = 'auto';

await runBenchmark('ingest', `${args.shape}-${args.format}-${args.container}`, async () => {
  const r = await ingestFile({ config, db, catalog: 'bench', source: input, profile, createCatalog: true });
  if (r.offers !== args.offers) throw new Error(`expected ${args.offers} offers, staged ${r.offers} (rejected ${JSON.stringify(r.rejectsByCode)})`);
  // Staging compactness matters: 40 M tour offers must fit on the RAM disk.
  const stagingBytes = statSync(new CatalogVersions(db, config).current('bench').stagingPath).size;
  return { offers: r.offers, bytes: r.bytes, extra: { profile: r.profile, products: r.products, rejected: r.rejected, stagingBytes, stagingBytesPerOffer: Math.round(stagingBytes / r.offers) } };
});
db.close();
rmSync(stagingRoot, { recursive: true, force: true });
