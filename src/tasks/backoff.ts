/**
 * Exponential backoff with jitter for retryable failures. "Equal jitter": half the exponential delay
 * is fixed, half random, so a retry is never immediate and bots that failed together spread out.
 */
export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter. @default 5_000 */
  baseMs: number;
  /** Upper bound of any delay. @default 900_000 (15 min) */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 5_000, maxMs: 900_000 });

/**
 * Delay before attempt `nextAttempt` (2 for the first retry). `random` returns [0, 1).
 * The result lies in [d/2, d) with d = min(maxMs, baseMs * 2^(nextAttempt - 2)).
 */
export function backoffDelay(nextAttempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, nextAttempt - 2);
  const d = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  return Math.floor(d / 2 + random() * (d / 2));
}
