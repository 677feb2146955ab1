/**
 * Options of the prestashop profile and the shop URLs built from them.
 *
 * Product pages: `plain` URLs (`index.php?id_product=N&controller=product`, with
 * `&id_product_attribute=M` for a combination) work on every shop whatever its friendly-URL
 * settings; `friendly` builds PrestaShop's default route without the category part
 * (`{id}-{rewrite}.html`, `{id}-{id_product_attribute}-{rewrite}.html`). Images use the shop's
 * image store (`img/p/1/5/15.jpg` for image 15), which needs no rewrite rule.
 */
import { joinUrl } from '../common.js';
import { checkOptionKeys, patternOption, urlOption, type OptionSpec, type ProfileOptions } from '../options.js';

export const NAME = 'prestashop';

export const PRESTASHOP_OPTIONS: readonly OptionSpec[] = [
  { key: 'base-url', description: 'shop URL; product links and demo-data image URLs are built from it; without it they are left empty' },
  { key: 'url-style', description: 'plain (index.php?id_product=…, the default) or friendly ({id}-{rewrite}.html)' },
  { key: 'lang', description: 'demo data XML: language folder whose names and descriptions are read (langs/<lang>/data); default en' },
  { key: 'combinations', description: 'CSV: the combinations file next to the products file; default: the products file name with "products" replaced by "combinations", when present' },
];

export interface PrestashopSettings {
  baseUrl: string | undefined;
  friendly: boolean;
  lang: string;
  combinations: string | undefined;
  defaultCurrency: string | undefined;
}

/** Validates the options (a misspelled key names the right one) and resolves them. */
export function prestashopSettings(options: ProfileOptions, defaultCurrency: string | undefined): PrestashopSettings {
  checkOptionKeys(NAME, options, PRESTASHOP_OPTIONS);
  const style = patternOption(NAME, options, 'url-style', /^(plain|friendly)$/, 'plain or friendly');
  return {
    baseUrl: urlOption(NAME, options, 'base-url'),
    friendly: style === 'friendly',
    lang: patternOption(NAME, options, 'lang', /^[a-z]{2}(?:-[a-z]{2})?$/, 'a language folder code such as en or fr') ?? 'en',
    combinations: patternOption(NAME, options, 'combinations', /^[^/\\\0]{1,200}$/, 'a file name next to the products file'),
    defaultCurrency,
  };
}

/** The product (or combination) page, or undefined without base-url. */
export function productUrl(s: PrestashopSettings, id: string, rewrite: string | undefined, combinationId?: string): string | undefined {
  if (s.baseUrl === undefined) return undefined;
  if (s.friendly && rewrite !== undefined && rewrite !== '') {
    const slug = encodeURIComponent(rewrite.toLowerCase());
    return joinUrl(s.baseUrl, combinationId === undefined ? `${id}-${slug}.html` : `${id}-${combinationId}-${slug}.html`);
  }
  const q = `index.php?id_product=${encodeURIComponent(id)}${combinationId === undefined ? '' : `&id_product_attribute=${encodeURIComponent(combinationId)}`}&controller=product`;
  return joinUrl(s.baseUrl, q);
}

/** Image N of the shop's image store: its digits as folders (`img/p/1/5/15.jpg`). */
export function imageUrl(s: PrestashopSettings, imageId: number): string | undefined {
  if (s.baseUrl === undefined) return undefined;
  const digits = String(imageId).split('').join('/');
  return joinUrl(s.baseUrl, `img/p/${digits}/${imageId}.jpg`);
}
