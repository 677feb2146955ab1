/** Every source profile feedmill ships; `--profile auto` asks each of them. */
import type { Profile } from '../profile.js';
import { genericProfile } from './generic.js';
import { googleFeedProfile } from './google-feed/index.js';
import { magento2Profile, MAGENTO2_OPTIONS } from './magento2/index.js';
import type { OptionSpec } from './options.js';
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
