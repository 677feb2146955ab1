/**
 * Whether a staged version's offers have links and images at all. Almost every channel requires a
 * link, so a catalog staged without any (a Magento or PrestaShop export read without the shop's
 * base URL, a column the profile did not recognise) loads fine and then exports nothing. Saying so
 * at ingest time points at the cause instead of a quality report full of "link: missing".
 *
 * Only the first offers are read: the check must cost nothing on a 40 M-offer version, and a
 * catalog whose first 10,000 offers have no link has a mapping problem, not a few bad rows.
 */
import type { StagingDb } from './open.js';

export const COVERAGE_SAMPLE = 10_000;

export interface UrlCoverage {
  /** Offers read, at most `limit`: fewer means every offer was read. */
  sampled: number;
  limit: number;
  withLink: number;
  withImage: number;
}

export function urlCoverage(db: StagingDb, sample = COVERAGE_SAMPLE): UrlCoverage {
  const row = db
    .prepare(
      `SELECT count(*) AS sampled, count(link) AS withLink, count(image) AS withImage FROM (
         SELECT coalesce(o.link, p.link) AS link, coalesce(o.image, p.image) AS image
         FROM offers o LEFT JOIN products p ON p.pid = o.pid ORDER BY o.oid LIMIT ?)`,
    )
    .get(sample) as Omit<UrlCoverage, 'limit'>;
  return { ...row, limit: sample };
}

/**
 * The advisories of a coverage, in words; empty when links and images are there. `urlOptionHint`
 * is how the chosen profile builds URLs (e.g. its base-url option), when it has such a setting.
 */
export function coverageNotes(c: UrlCoverage, urlOptionHint: string | undefined): string[] {
  if (c.sampled === 0) return [];
  const scope = c.sampled < c.limit ? 'no offer' : `none of the first ${c.sampled.toLocaleString('en')} offers`;
  const missing = [c.withLink === 0 ? 'a link' : undefined, c.withImage === 0 ? 'an image' : undefined].filter((x) => x !== undefined);
  if (missing.length === 0) return [];
  const what = missing.join(' or ');
  const fix = urlOptionHint ?? 'map the source column that holds it (docs/source-formats.md lists the names each profile reads)';
  return [`${scope} has ${what}, which most channels require, so their feeds would exclude every item: ${fix}`];
}
