/** Small parsers for option values shared by commands. */
import { FeedmillError } from '../errors.js';

/** `--channels a,b` → ['a', 'b'] (empty names dropped). */
export function listOption(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Repeated `--profile-option k=v` → { k: v }. */
export function keyValueOptions(values: unknown, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of Array.isArray(values) ? values : values === undefined ? [] : [values]) {
    const s = String(v);
    const eq = s.indexOf('=');
    if (eq <= 0) throw new FeedmillError('FEEDMILL_CLI_USAGE', `${flag} takes key=value, got ${JSON.stringify(s)}`, { flag, value: s });
    out[s.slice(0, eq).trim()] = s.slice(eq + 1);
  }
  return out;
}

export function intOption(value: unknown, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new FeedmillError('FEEDMILL_CLI_USAGE', `${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`, { flag });
  return n;
}

export function requireString(value: unknown, flag: string, usage: string): string {
  if (typeof value !== 'string' || value === '') throw new FeedmillError('FEEDMILL_CLI_USAGE', `${flag} is required\nusage: ${usage}`, { flag });
  return value;
}
