/**
 * The generator's command line:
 *   node --import tsx bench/generate/cli.ts --shape merchant|tour --format csv|xml --offers N
 *     [--trips N --departures N] [--container plain|gzip|zip] --out FILE [--seed S] [--level 0-9] [--json]
 * Prints a one-line summary (or one JSON object with --json). Exit 0 on success, 2 on a bad option,
 * 1 on any other error.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FeedmillError, toFeedmillError } from '../../src/errors.js';
import { generateCatalog, type GenerateResult } from './generate.js';
import type { Container, Format, GenerateOptions, Shape } from './options.js';

export const USAGE = `usage: node --import tsx bench/generate/cli.ts --shape merchant|tour --format csv|xml
         --offers N [--trips N --departures N] [--container plain|gzip|zip] --out FILE
         [--seed S] [--level 0-9] [--entry-name NAME] [--json]

  --shape       merchant: one row per offer (~850 bytes); tour: trips with nested departures (XML)
  --offers      offers to write (tour: departures; or give --trips, 800 departures each by default)
  --container   plain (default), gzip, or zip (one entry named catalog.csv / catalog.xml)
  --seed        same seed and options give the same bytes (default 1)`;

const OPTIONS = {
  shape: { type: 'string' },
  format: { type: 'string' },
  offers: { type: 'string' },
  trips: { type: 'string' },
  departures: { type: 'string' },
  container: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  level: { type: 'string' },
  'entry-name': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function integer(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // Accept 1_000_000 and 1e6, the ways people type big counts.
  const cleaned = text.replaceAll('_', '');
  const value = /^\d+(?:e\d+)?$/i.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--${option} must be a whole number, got ${JSON.stringify(text)}`, { option, value: text });
  }
  return value;
}

/** Parses argv into generator options; throws FEEDMILL_BENCH_OPTION. Returns undefined for --help. */
export function parseGenerateArgs(argv: string[]): { options: GenerateOptions; json: boolean } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `${(err as Error).message}\n${USAGE}`, { argv }, { cause: err });
  }
  const v = parsed.values;
  if (v.help) return undefined;
  return {
    json: v.json === true,
    options: {
      shape: v.shape as Shape,
      format: v.format as Format,
      out: v.out as string,
      offers: integer('offers', v.offers),
      trips: integer('trips', v.trips),
      departures: integer('departures', v.departures),
      container: v.container as Container | undefined,
      seed: v.seed,
      level: integer('level', v.level),
      entryName: v['entry-name'],
    },
  };
}

export function summary(r: GenerateResult, seconds: number): string {
  const mb = r.rawBytes / 1e6;
  return `${r.path}: ${r.offers} offers, ${r.products} products, ${(r.bytes / 1e6).toFixed(1)} MB on disk (${mb.toFixed(1)} MB ${r.format}) in ${seconds.toFixed(1)} s (${Math.round(r.offers / seconds)} offers/s, ${(mb / seconds).toFixed(0)} MB/s)`;
}

async function main(argv: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  try {
    const args = parseGenerateArgs(argv);
    if (args === undefined) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort(new FeedmillError('FEEDMILL_BENCH_FAILED', 'interrupted', {}));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const result = await generateCatalog({ ...args.options, signal: controller.signal });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(args.json ? `${JSON.stringify({ ...result, seconds })}\n` : `${summary(result, seconds)}\n`);
    return 0;
  } catch (err) {
    const e = toFeedmillError(err);
    process.stderr.write(`generate: ${e.code}: ${e.message}\n`);
    return e.code === 'FEEDMILL_BENCH_OPTION' ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
