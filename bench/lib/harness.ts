/**
 * The bench harness's machinery: run one stage benchmark script in a fresh process, check its
 * result against the data it was given, reduce trials, and render the table. bench/run.ts holds
 * the registry and the command line; this file holds no list of stages.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedmillError, toFeedmillError, type SerializedError } from '../../src/errors.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import { parseResultLine, type BenchResult } from './measure.js';
import { median } from './stats.js';

/** Keeps only the end of a child's stdout: the result is its last line, the rest is chatter. */
const STDOUT_TAIL_BYTES = 64 * 1024;

export interface TrialSpec {
  /** Repo-relative script path, run as `node --import tsx <script> <args>` with cwd = repo root. */
  script: string;
  args: readonly string[];
  /** Offers the script must report (the generated data set's count). */
  expectOffers: number;
  stage: string;
  variant: string;
}

/** Runs one trial in a fresh child process with a fresh work dir (removed afterwards). */
export async function runTrial(root: string, spec: TrialSpec, env: NodeJS.ProcessEnv = process.env): Promise<BenchResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'feedmill-bench-'));
  const args = ['--import', 'tsx', spec.script, ...spec.args, '--work-dir', workDir];
  const command = `node ${args.join(' ')}`;
  try {
    const { code, signal, stdout } = await spawnCollect(process.execPath, args, root, env);
    if (code !== 0) {
      throw new FeedmillError('FEEDMILL_BENCH_FAILED', `benchmark ${spec.stage}/${spec.variant} exited with ${signal ?? `code ${code}`}`, {
        stage: spec.stage, variant: spec.variant, command, exitCode: code, signal, stdoutTail: stdout.slice(-500),
      });
    }
    let result: BenchResult;
    try {
      result = parseResultLine(stdout);
    } catch (err) {
      throw new FeedmillError('FEEDMILL_BENCH_FAILED', `benchmark ${spec.stage}/${spec.variant} printed no valid result line`, { stage: spec.stage, variant: spec.variant, command }, { cause: err });
    }
    if (result.offers !== spec.expectOffers) {
      throw new FeedmillError('FEEDMILL_BENCH_FAILED', `benchmark ${spec.stage}/${spec.variant} reported ${result.offers} offers, the data holds ${spec.expectOffers}`, {
        stage: spec.stage, variant: spec.variant, command, reported: result.offers, expected: spec.expectOffers,
      });
    }
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function spawnCollect(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    // stderr is inherited so that a script's progress and errors reach the terminal as they happen.
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > STDOUT_TAIL_BYTES) tail = tail.subarray(tail.length - STDOUT_TAIL_BYTES);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: tail.toString('utf8') }));
  });
}

/** One benchmark over its trials: the median trial's figures, every trial kept. */
export interface BenchRow {
  stage: string;
  variant: string;
  offers: number;
  bytes: number;
  /** Median over trials. */
  seconds: number;
  offersPerSecond: number;
  megabytesPerSecond: number;
  /** Highest over trials. */
  peakRssBytes: number;
  /** Median over trials of CPU time (all threads) per offer, when every trial reported it. */
  cpuMicrosPerOffer: number | undefined;
  trials: BenchResult[];
}

export function reduceTrials(trials: readonly BenchResult[]): BenchRow {
  const first = trials[0];
  if (first === undefined) throw new FeedmillError('FEEDMILL_INTERNAL', 'reduceTrials needs at least one trial', {});
  const seconds = median(trials.map((t) => t.seconds));
  return {
    stage: first.stage,
    variant: first.variant,
    offers: first.offers,
    bytes: first.bytes,
    seconds,
    offersPerSecond: seconds > 0 ? first.offers / seconds : 0,
    megabytesPerSecond: seconds > 0 ? first.bytes / 1e6 / seconds : 0,
    peakRssBytes: Math.max(...trials.map((t) => t.peakRssBytes)),
    cpuMicrosPerOffer: cpuMicrosPerOffer(trials),
    trials: [...trials],
  };
}

function cpuMicrosPerOffer(trials: readonly BenchResult[]): number | undefined {
  const each = trials.map((t) => (t.cpuSeconds === undefined || t.offers === 0 ? undefined : (t.cpuSeconds * 1e6) / t.offers));
  return each.every((v) => v !== undefined) ? median(each as number[]) : undefined;
}

export interface BenchFailure {
  stage: string;
  variant: string;
  error: SerializedError;
}

export function failureOf(stage: string, variant: string, err: unknown): BenchFailure {
  return { stage, variant, error: toFeedmillError(err, 'FEEDMILL_BENCH_FAILED').toJSON() };
}

const COLUMNS = ['stage', 'variant', 'offers', 'seconds', 'offers/s', 'MB/s', 'peak RSS MB', 'CPU µs/offer'] as const;

/** The human table: numbers right-aligned, one row per benchmark, failures listed after. */
export function renderTable(machine: MachineInfo, rows: readonly BenchRow[], failures: readonly BenchFailure[]): string {
  const cells = rows.map((r) => [
    r.stage,
    r.variant,
    r.offers.toLocaleString('en-US'),
    r.seconds.toFixed(2),
    Math.round(r.offersPerSecond).toLocaleString('en-US'),
    r.megabytesPerSecond.toFixed(1),
    (r.peakRssBytes / 1e6).toFixed(0),
    r.cpuMicrosPerOffer === undefined ? '-' : r.cpuMicrosPerOffer.toFixed(1),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i < 2 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join('  ').trimEnd();
  const out = [`machine: ${describeMachine(machine)}`, '', line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  for (const f of failures) out.push(`FAILED ${f.stage}/${f.variant}: ${f.error.code}: ${f.error.message}`);
  return `${out.join('\n')}\n`;
}
