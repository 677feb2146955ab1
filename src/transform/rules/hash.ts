/**
 * A stable hash of a rule set for manifests: sha256 over canonical JSON (object keys sorted at
 * every level, arrays in order). Key order in the file, YAML versus JSON, aliases and spellings
 * such as `sale_price` or `19.990` do not change it; any change of meaning does.
 */
import { createHash } from 'node:crypto';
import type { RuleSetSpec } from './types.js';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * sha256 (hex) of the canonical spec; with `channel`, of only what applies to that channel (the
 * `all` section and its own), so editing one channel's rules does not change another's manifest.
 */
export function rulesHash(spec: RuleSetSpec, channel?: string): string {
  const subject =
    channel === undefined ? spec : { version: spec.version, all: spec.all, channel: spec.channels[channel] ?? [] };
  return createHash('sha256').update(canonicalJson(subject)).digest('hex');
}
