/**
 * Magento 2's packed attribute cells.
 *
 * `additional_attributes` is `code=value,code=value`; a multiselect value joins its options with `|`
 * (`climate=All-weather|Cool`). A value that itself holds a comma is wrapped in double quotes, with
 * `""` for a quote inside (`label="Red, dark",size=M`), as the importer's "wrapped values" mode reads.
 * `configurable_variations` is `sku=A,size=S,color=Red|sku=B,...`: one variation per `|` group.
 * Option labels are stored HTML-escaped by the admin (`Cocona&reg;`): values come back decoded.
 */
import { decodeEntities } from '../common.js';

/** Parses `code=value,...` into pairs in source order; pieces without `=` are ignored. */
export function parseAdditionalAttributes(cell: string): Map<string, string> {
  const out = new Map<string, string>();
  const s = cell;
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const key = s.slice(i, eq).trim();
    let j = eq + 1;
    let value: string;
    if (s[j] === '"') {
      // Wrapped value: up to the quote that is not doubled.
      let v = '';
      j++;
      while (j < s.length) {
        const ch = s[j];
        if (ch === '"') {
          if (s[j + 1] === '"') {
            v += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        v += ch;
        j++;
      }
      value = v;
      const comma = s.indexOf(',', j);
      i = comma < 0 ? s.length : comma + 1;
    } else {
      // A plain value ends at the next comma that starts another `code=` pair; a comma not followed
      // by one (`Cotton, Polyester` written without quotes) stays in the value.
      let end = j;
      for (;;) {
        const comma = s.indexOf(',', end);
        if (comma < 0) {
          end = s.length;
          break;
        }
        if (/^\s*[A-Za-z0-9_]+=/.test(s.slice(comma + 1, comma + 66))) {
          end = comma;
          break;
        }
        end = comma + 1;
      }
      value = s.slice(j, end);
      i = end + 1;
    }
    if (key !== '') out.set(key, decodeEntities(value.trim()));
  }
  return out;
}

export interface Variation {
  sku: string;
  /** The super attributes of this child (size, color...). */
  attrs: Record<string, string>;
}

export function parseConfigurableVariations(cell: string): Variation[] {
  const out: Variation[] = [];
  for (const group of cell.split('|')) {
    if (group.trim() === '') continue;
    const pairs = parseAdditionalAttributes(group);
    const sku = pairs.get('sku');
    if (sku === undefined || sku === '') continue;
    pairs.delete('sku');
    out.push({ sku, attrs: Object.fromEntries(pairs) });
  }
  return out;
}
