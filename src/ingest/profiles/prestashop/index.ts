/**
 * `prestashop`: PrestaShop's products CSV import/export format (`;`, with its combinations CSV
 * beside it) and its installer demo data XML (`data/product.xml` with the tables beside it and the
 * names in `langs/<lang>/data`). See docs/profiles.md.
 */
import { FeedmillError } from '../../../errors.js';
import type { Profile } from '../../profile.js';
import { detectPrestashopHeader } from './csv-columns.js';
import { PrestashopCsvMapper } from './csv.js';
import { NAME, prestashopSettings } from './settings.js';
import { PrestashopXmlMapper } from './xml.js';

export { PRESTASHOP_OPTIONS } from './settings.js';

export const prestashopProfile: Profile = {
  name: NAME,
  description: 'PrestaShop products CSV (with its combinations CSV) and installer demo data XML (data/product.xml + langs/)',
  detectCsv: detectPrestashopHeader,
  checkOptions: (options) => void prestashopSettings(options, undefined),
  detectXml(rootName) {
    return rootName === 'entity_product' ? 0.95 : 0;
  },
  csv(header, ctx) {
    return new PrestashopCsvMapper(header, ctx, prestashopSettings(ctx.options ?? {}, ctx.defaultCurrency));
  },
  xml(rootName, ctx) {
    const settings = prestashopSettings(ctx.options ?? {}, ctx.defaultCurrency);
    if (rootName !== 'entity_product') {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} has root element <${rootName}>; the PrestaShop demo data record stream is data/product.xml (<entity_product>): ingest that file`,
        { profile: NAME, root: rootName, expected: 'entity_product' },
      );
    }
    return new PrestashopXmlMapper(ctx, settings);
  },
};
