/**
 * `magento2`: Magento 2's native `catalog_product` export CSV (System > Data Transfer > Export).
 * See docs/profiles.md for the mapping, the store-view behaviour and the URL options.
 */
import type { Profile } from '../../profile.js';
import { checkOptionKeys, patternOption, urlOption, type OptionSpec, type ProfileOptions } from '../options.js';
import { columnIndex, detectMagentoHeader } from './columns.js';
import type { MagentoSettings } from './map-row.js';
import { MagentoMapper } from './mapper.js';

const NAME = 'magento2';

export const MAGENTO2_OPTIONS: readonly OptionSpec[] = [
  { key: 'base-url', description: 'storefront URL; product links are {base-url}/{url_key}{url-suffix}; without it links and images are left empty' },
  { key: 'media-url', description: 'product image base; default {base-url}/media/catalog/product' },
  { key: 'url-suffix', description: 'product URL suffix; default .html, none for no suffix' },
  { key: 'store-view', description: 'store view code whose override rows apply; default: the default scope only' },
];

/** Validates the options once per load (a misspelled key names the right one). */
export function magentoSettings(options: ProfileOptions, defaultCurrency: string | undefined): MagentoSettings {
  checkOptionKeys(NAME, options, MAGENTO2_OPTIONS);
  const suffix = patternOption(NAME, options, 'url-suffix', /^[A-Za-z0-9._/-]{1,20}$/, 'a short suffix such as .html, / or none');
  return {
    baseUrl: urlOption(NAME, options, 'base-url'),
    mediaUrl: urlOption(NAME, options, 'media-url'),
    urlSuffix: suffix === undefined ? '.html' : suffix === 'none' ? '' : suffix,
    storeView: patternOption(NAME, options, 'store-view', /^[a-z0-9_]{1,32}$/, 'a Magento store view code such as fr or default'),
    defaultCurrency,
  };
}

export const magento2Profile: Profile = {
  name: NAME,
  description: 'Magento 2 native catalog_product export CSV (configurable parents, simple children as variants, store views)',
  // Children wait in side tables of the staging DB until their parent row is read.
  needsStagingDb: true,
  detectCsv: detectMagentoHeader,
  checkOptions: (options) => void magentoSettings(options, undefined),
  csv(header, ctx) {
    return new MagentoMapper(columnIndex(header, ctx.sourceName), magentoSettings(ctx.options ?? {}, ctx.defaultCurrency), ctx.db);
  },
};
