/**
 * `google-feed`: an existing Google Shopping feed as input — RSS 2.0 or Atom 1.0 with the `g:`
 * namespace, or Google's tab-separated format. One item = one standalone offer.
 */
import { FeedmillError } from '../../../errors.js';
import type { Profile } from '../../profile.js';
import { checkOptionKeys } from '../options.js';
import { detectGoogleHeader, GoogleTsvMapper } from './tsv.js';
import { GoogleXmlMapper, googlePrefix } from './xml.js';

const NAME = 'google-feed';

export const googleFeedProfile: Profile = {
  name: NAME,
  description: 'Google Shopping feed as input: RSS 2.0 / Atom with the g: namespace, or Google TSV',
  independentCsvRows: true,
  independentXmlRecords: true,
  detectCsv: detectGoogleHeader,
  detectXml(rootName, rootAttrs) {
    if (rootName !== 'rss' && rootName !== 'feed') return 0;
    // An RSS or Atom feed that declares Google's namespace is a product feed; one that does not
    // may still be (the prefix declared on items), but less surely.
    return googlePrefix(rootAttrs) !== undefined ? 0.95 : 0.5;
  },
  csv(header, ctx) {
    checkOptionKeys(NAME, ctx.options ?? {}, []);
    return new GoogleTsvMapper(header, ctx);
  },
  xml(rootName, ctx) {
    checkOptionKeys(NAME, ctx.options ?? {}, []);
    if (rootName !== 'rss' && rootName !== 'feed') {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} has root element <${rootName}>; a Google feed is <rss> (RSS 2.0) or <feed> (Atom)`,
        { profile: NAME, root: rootName, expected: ['rss', 'feed'] },
      );
    }
    return new GoogleXmlMapper(rootName, ctx);
  },
};
