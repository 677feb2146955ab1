/**
 * PrestaShop's import/export CSV headers are labels from the Back Office ("Name *",
 * "Categories (x,y,z...)", "Reference #", "Default (0 = No, 1 = Yes)"); they differ slightly between
 * versions. A label is matched by its key: lower case, without the parenthesised hint, `*` and `#`.
 */

export function labelKey(label: string): string {
  return label
    .replace(/\(.*?\)/g, '')
    .replace(/[*#]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Key → first column position. */
export function labelIndex(header: readonly string[]): Map<string, number> {
  const idx = new Map<string, number>();
  header.forEach((h, i) => {
    const k = labelKey(h);
    if (k !== '' && !idx.has(k)) idx.set(k, i);
  });
  return idx;
}

/** Product file labels that only PrestaShop writes together. */
const PRODUCT_SIGNATURE = [
  'product id', 'active', 'name', 'categories', 'price tax excluded', 'price tax included', 'tax rules id', 'on sale',
  'reference', 'supplier reference', 'url rewritten', 'image urls', 'visibility', 'summary', 'available for order',
];

/** Combination file labels. */
export const COMBINATION_SIGNATURE = ['product id', 'attribute', 'value', 'impact on price'];

export function detectPrestashopHeader(header: readonly string[]): number {
  const keys = new Set(header.map(labelKey));
  if (COMBINATION_SIGNATURE.every((k) => keys.has(k))) return 0.9;
  const hits = PRODUCT_SIGNATURE.filter((k) => keys.has(k)).length;
  if (hits >= 6) return 0.95;
  if (hits >= 4) return 0.6;
  return 0;
}

export function isCombinationHeader(header: readonly string[]): boolean {
  const keys = new Set(header.map(labelKey));
  return COMBINATION_SIGNATURE.every((k) => keys.has(k));
}
