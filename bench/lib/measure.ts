/**
 * Helpers for stage benchmark scripts. A script runs in a fresh process started by bench/run.ts,
 * does its work once and prints one JSON object on its LAST stdout line:
 *   {stage, variant, offers, bytes, seconds, peakRssBytes, cpuSeconds?, extra?}
 * Anything printed before (progress, logs) is ignored by the harness.
 */
import { FeedmillError } from '../../src/errors.js';

export interface BenchResult {
  stage: string;
  variant: string;
  /** Offers processed; the harness checks it against the generated data. */
  offers: number;
  /** Input bytes the stage read (or output bytes it wrote, for generators and emitters). */
  bytes: number;
  seconds: number;
  /** Peak resident set of the whole process (all threads), from getrusage. */
  peakRssBytes: number;
  /**
   * CPU time of the whole process (every thread, user + system) while the body ran: per offer, it
   * says how many cores a rate needs (offers/s × CPU s per offer), and against `seconds` how busy
   * the cores were.
   */
  cpuSeconds?: number;
  extra?: Record<string, unknown>;
}

/** Peak RSS of this process so far (workers included): getrusage's maxRSS is in KiB on Linux. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Starts a monotonic clock; the returned function gives the seconds elapsed. */
export function startClock(): () => number {
  const t0 = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - t0) / 1e9;
}

export function printResult(result: BenchResult, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${JSON.stringify(result)}\n`);
}

/**
 * Times `body` (only the body: the process start and imports are outside), then prints the result
 * line with the process's peak RSS and the CPU time the body took. Returns the result too.
 */
export async function runBenchmark(
  stage: string,
  variant: string,
  body: () => Promise<{ offers: number; bytes: number; extra?: Record<string, unknown> }>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<BenchResult> {
  const cpu = process.cpuUsage();
  const elapsed = startClock();
  const done = await body();
  const seconds = elapsed();
  const used = process.cpuUsage(cpu);
  const result: BenchResult = {
    stage,
    variant,
    offers: done.offers,
    bytes: done.bytes,
    seconds,
    peakRssBytes: peakRssBytes(),
    cpuSeconds: (used.user + used.system) / 1e6,
  };
  if (done.extra !== undefined) result.extra = done.extra;
  printResult(result, out);
  return result;
}

function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Reads the result from a script's stdout (its last non-empty line); FEEDMILL_BENCH_FAILED if absent or malformed. */
export function parseResultLine(stdout: string): BenchResult {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines[lines.length - 1];
  let value: unknown;
  try {
    value = last === undefined ? undefined : JSON.parse(last);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_BENCH_FAILED', 'the benchmark script did not end with a JSON result line', { last: last?.slice(0, 200) }, { cause: err });
  }
  const r = value as Partial<BenchResult> | undefined;
  if (
    r === undefined || r === null || typeof r !== 'object' || typeof r.stage !== 'string' || typeof r.variant !== 'string' ||
    !isNonNegative(r.offers) || !isNonNegative(r.bytes) || !isNonNegative(r.seconds) || !isNonNegative(r.peakRssBytes) ||
    (r.cpuSeconds !== undefined && !isNonNegative(r.cpuSeconds)) ||
    (r.extra !== undefined && (typeof r.extra !== 'object' || r.extra === null))
  ) {
    throw new FeedmillError('FEEDMILL_BENCH_FAILED', 'the benchmark result line lacks stage, variant, offers, bytes, seconds or peakRssBytes', { last: last?.slice(0, 200) });
  }
  return r as BenchResult;
}
