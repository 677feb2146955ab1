/** Every source profile feedmill ships; `--profile auto` asks each of them. */
import type { Profile } from '../profile.js';
import { genericProfile } from './generic.js';

export const PROFILES: readonly Profile[] = [genericProfile];
