/**
 * The combinations CSV that goes with a PrestaShop products CSV (Back Office > Import >
 * Combinations), read whole as a lookup table next to the products file:
 * `Product ID*;Attribute (Name:Type:Position)*;Value (Value:Position)*;...;Impact on price;Quantity;...`
 * with attributes like `Color:color:0, Disk space:select:1` and values like `Blue:0, 16GB:1`.
 */
import { parse } from 'csv-parse/sync';
import { FeedmillError } from '../../../errors.js';
import type { ProfileContext } from '../../profile.js';
import { isCombinationHeader, labelIndex } from './csv-columns.js';
import { readSiblingText } from './entities.js';

export interface CsvCombination {
  /** Line of the combination in its own file. */
  line: number;
  /** 1-based position among the combinations of its product, in file order. */
  ordinal: number;
  attributes: { name: string; type: string; value: string }[];
  cells: (label: string) => string | undefined;
}

export interface CombinationTable {
  file: string;
  byProduct: Map<string, CsvCombination[]>;
}

/**
 * Reads the combinations file `file` next to the source. Undefined when the file is absent and was
 * not named explicitly; a named file that is absent is an option error.
 */
export function readCombinations(ctx: ProfileContext, file: string, named: boolean): CombinationTable | undefined {
  const text = readSiblingText(ctx, file);
  if (text === undefined) {
    if (!named) return undefined;
    throw new FeedmillError(
      'FEEDMILL_PROFILE_OPTION_INVALID',
      `the combinations file ${JSON.stringify(file)} is not next to ${ctx.sourceName}; put it beside the products file or fix the combinations option`,
      { profile: 'prestashop', key: 'combinations', value: file },
    );
  }
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [';', ',', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ';');
  let rows: { record: string[]; info: { lines: number } ; raw: string }[];
  try {
    rows = parse(text, { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, raw: true }) as unknown as typeof rows;
  } catch (e) {
    throw new FeedmillError('FEEDMILL_PROFILE_MISMATCH', `the combinations file ${file} is not a readable CSV: ${(e as Error).message}`, { profile: 'prestashop', file }, { cause: e });
  }
  const [head, ...data] = rows;
  if (head === undefined || !isCombinationHeader(head.record)) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `${file} is not a PrestaShop combinations file: its header lacks Product ID, Attribute, Value and Impact on price`,
      { profile: 'prestashop', file, header: head?.record.slice(0, 10) ?? [] },
    );
  }
  const idx = labelIndex(head.record);
  const col = (label: string) => idx.get(label) ?? -1;
  const byProduct = new Map<string, CsvCombination[]>();
  for (const r of data) {
    const fields = r.record;
    const cells = (label: string): string | undefined => {
      const i = col(label);
      const v = i < 0 ? undefined : fields[i]?.trim();
      return v === undefined || v === '' ? undefined : v;
    };
    const product = cells('product id');
    if (product === undefined) continue;
    const names = (cells('attribute') ?? '').split(',').map((a) => a.split(':'));
    const values = (cells('value') ?? '').split(',').map(stripPosition);
    const attributes = names.map(([name, type], i) => ({ name: (name ?? '').trim(), type: (type ?? '').trim(), value: values[i] ?? '' }))
      .filter((a) => a.name !== '' && a.value !== '');
    const inner = r.raw.replace(/\r?\n$/, '');
    const list = byProduct.get(product) ?? [];
    list.push({ line: r.info.lines - (inner.match(/\n/g)?.length ?? 0), ordinal: list.length + 1, attributes, cells });
    byProduct.set(product, list);
  }
  return { file, byProduct };
}

/** `Blue:0` → `Blue`; a value without a numeric position is kept whole. */
function stripPosition(v: string): string {
  const t = v.trim();
  const m = /^(.*):\s*[0-9]+$/.exec(t);
  return (m ? (m[1] as string) : t).trim();
}

/** The default combinations file of a products file: `products_import.csv` → `combinations_import.csv`. */
export function defaultCombinationsFile(sourceName: string): string | undefined {
  if (!/products?/i.test(sourceName)) return undefined;
  return sourceName.replace(/products?/i, (m) => (m[0] === 'P' ? 'Combinations' : 'combinations'));
}
