/**
 * The arguments bench/run.ts passes to every stage benchmark script, parsed in one place:
 *   --shape merchant|tour --format csv|xml --container plain|gzip|zip --offers N --seed S
 *   --work-dir DIR (fresh, empty, removed afterwards)
 *   --input FILE --bytes N (only when the harness generated the data set first)
 * A script adds its own options through `extra` (node:util parseArgs shape).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FeedmillError } from '../../src/errors.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface BenchArgs {
  shape: string;
  format: string;
  container: string;
  offers: number;
  seed: string;
  workDir: string;
  input: string | undefined;
  bytes: number | undefined;
  /** The script's own options. */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

const STANDARD = {
  shape: { type: 'string' },
  format: { type: 'string' },
  container: { type: 'string', default: 'plain' },
  offers: { type: 'string' },
  seed: { type: 'string', default: '1' },
  'work-dir': { type: 'string' },
  input: { type: 'string' },
  bytes: { type: 'string' },
} as const;

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--${name} is required (bench/run.ts passes it)`, { option: name });
  }
  return value;
}

function whole(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--${name} must be a whole number`, { option: name, value });
  return n;
}

export function parseBenchArgs(argv: string[] = process.argv.slice(2), extra: OptionSpec = {}): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...extra, ...STANDARD }, strict: true, allowPositionals: false });
  } catch (err) {
    throw new FeedmillError('FEEDMILL_BENCH_OPTION', (err as Error).message, { argv }, { cause: err });
  }
  const { shape, format, container, offers, seed, 'work-dir': workDir, input, bytes, ...values } = parsed.values;
  return {
    shape: required('shape', shape as string | undefined),
    format: required('format', format as string | undefined),
    container: container as string,
    offers: whole('offers', required('offers', offers as string | undefined)),
    seed: seed as string,
    workDir: required('work-dir', workDir as string | undefined),
    input: input as string | undefined,
    bytes: bytes === undefined ? undefined : whole('bytes', bytes as string),
    values,
  };
}
