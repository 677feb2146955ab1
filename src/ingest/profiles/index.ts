/** Every source profile feedmill ships; `--profile auto` asks each of them. */
import type { Profile } from '../profile.js';
import { genericProfile } from './generic.js';
import { googleFeedProfile } from './google-feed/index.js';
import { magento2Profile, MAGENTO2_OPTIONS } from './magento2/index.js';
import { FeedmillError } from '../../errors.js';
import { checkOptionKeys, type OptionSpec, type ProfileOptions } from './options.js';
import { prestashopProfile, PRESTASHOP_OPTIONS } from './prestashop/index.js';
import { tourOperatorProfile } from './tour-operator.js';

export const PROFILES: readonly Profile[] = [genericProfile, magento2Profile, prestashopProfile, googleFeedProfile, tourOperatorProfile];

/** The `--profile-option` keys each profile takes, for help texts and the API. */
export const PROFILE_OPTIONS: Readonly<Record<string, readonly OptionSpec[]>> = {
  generic: [],
  magento2: MAGENTO2_OPTIONS,
  prestashop: PRESTASHOP_OPTIONS,
  'google-feed': [],
  'tour-operator': [],
};

export type { OptionSpec, ProfileOptions } from './options.js';

/**
 * Checks profile options before a load or when a catalog stores them, so that a misspelled key or a
 * bad URL fails at once rather than in the nightly run. With `auto`, the options must all belong to
 * one profile (they then apply when that profile is chosen), and each profile taking them checks
 * their values.
 */
export function checkProfileOptions(profile: string, options: ProfileOptions): void {
  const keys = Object.keys(options);
  if (keys.length === 0) return;
  const takes = (p: Profile) => keys.every((k) => (PROFILE_OPTIONS[p.name] ?? []).some((o) => o.key === k));
  if (profile !== 'auto') {
    const p = PROFILES.find((x) => x.name === profile);
    if (p === undefined) return; // the profile name itself is checked where it is chosen
    if (p.checkOptions !== undefined) p.checkOptions(options);
    else checkOptionKeys(profile, options, []);
    return;
  }
  const takers = PROFILES.filter(takes);
  if (takers.length === 0) {
    const all = PROFILES.flatMap((p) => PROFILE_OPTIONS[p.name] ?? []);
    checkOptionKeys('auto', options, [...new Map(all.map((o) => [o.key, o])).values()]);
    throw new FeedmillError(
      'FEEDMILL_PROFILE_OPTION_UNKNOWN',
      `no profile takes all of the options ${keys.join(', ')}; name the profile they are for (--profile magento2 or prestashop)`,
      { profile, key: keys.join(','), known: all.map((o) => o.key) },
    );
  }
  for (const p of takers) p.checkOptions?.(options);
}

/**
 * The options among `options` that `profile` takes (all of them for `auto`). A catalog keeps its
 * options for the profile it usually reads (a Magento export's base-url); a load read by another
 * profile (`auto` choosing the Google feed the shop switched to) passes that profile only its own.
 */
export function optionsTakenBy(profile: string, options: ProfileOptions): Record<string, string> {
  if (profile === 'auto') return { ...options };
  const keys = new Set((PROFILE_OPTIONS[profile] ?? []).map((o) => o.key));
  return Object.fromEntries(Object.entries(options).filter(([k]) => keys.has(k)));
}
