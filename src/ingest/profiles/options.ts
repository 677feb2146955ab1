/**
 * Profile options: `key=value` pairs given on the command line (`--profile-option base-url=...`)
 * or by the API, reaching a profile as `ProfileContext.options`. Each profile validates its own once,
 * when its mapper is created, so the per-record loop never re-checks them. A misspelled key is an error that names the closest real one: a silently
 * ignored `base-ulr` would publish a feed without links.
 */
import { closest } from '../../config.js';
import { FeedmillError } from '../../errors.js';
import { isHttpUrl } from './common.js';

export type ProfileOptions = Readonly<Record<string, string>>;

export interface OptionSpec {
  readonly key: string;
  readonly description: string;
}

/** Throws FEEDMILL_PROFILE_OPTION_UNKNOWN when a key is not one of `specs`. */
export function checkOptionKeys(profile: string, options: ProfileOptions, specs: readonly OptionSpec[]): void {
  const keys = specs.map((s) => s.key);
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const suggestion = keys.length > 0 ? closest(key, keys) : undefined;
    throw new FeedmillError(
      'FEEDMILL_PROFILE_OPTION_UNKNOWN',
      keys.length === 0
        ? `profile ${profile} takes no options, got ${JSON.stringify(key)}`
        : `profile ${profile} has no option ${JSON.stringify(key)}; did you mean ${suggestion}? (options: ${keys.join(', ')})`,
      { profile, key, suggestion, known: keys },
    );
  }
}

/** An absolute http(s) base URL without its trailing slash, or undefined when not given. */
export function urlOption(profile: string, options: ProfileOptions, key: string): string | undefined {
  const v = options[key];
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  if (!isHttpUrl(t)) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_OPTION_INVALID',
      `profile option ${key} must be an absolute http(s) URL such as https://shop.example.com, got ${JSON.stringify(v)}`,
      { profile, key, value: v },
    );
  }
  return t.replace(/\/+$/, '');
}

/** A value from a closed set (or a free value matching `pattern`), else FEEDMILL_PROFILE_OPTION_INVALID. */
export function patternOption(
  profile: string,
  options: ProfileOptions,
  key: string,
  pattern: RegExp,
  expected: string,
): string | undefined {
  const v = options[key];
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  if (!pattern.test(t)) {
    throw new FeedmillError('FEEDMILL_PROFILE_OPTION_INVALID', `profile option ${key} must be ${expected}, got ${JSON.stringify(v)}`, {
      profile,
      key,
      value: v,
    });
  }
  return t;
}
