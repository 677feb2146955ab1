/**
 * What a channel definition file in feeds/ holds, once parsed and validated. Adding a channel is
 * adding one such file: nothing here names a channel.
 */
import type { CsvQuoting } from '../../emit/index.js';
import type { PriceStyle } from '../validate/index.js';

export const FIELD_KINDS = ['text', 'html-free', 'url', 'price', 'gtin', 'enum', 'date', 'integer', 'shipping'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const CHANNEL_FORMATS = ['xml', 'csv', 'tsv'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];

export interface ListOptions {
  /** What separates entries in the item value (`additionalImages` is newline-separated). @default "\n" */
  readonly split: string;
  /** What joins entries in a CSV/TSV cell; XML repeats the element instead. @default "," */
  readonly join: string;
  /** Entries kept; more give a `list_truncated` warning. */
  readonly max: number;
}

export interface FieldDefinition {
  /** Output name: XML element (with a declared prefix, `g:id`) or CSV/TSV column. */
  readonly name: string;
  /**
   * Exactly one of `source` and `template`. `source` names item fields or `attrs.<key>`; written as a
   * list (`[salePrice, price]`), the first non-empty one wins. `template` is text with `{field}` placeholders.
   */
  readonly source?: readonly string[] | undefined;
  readonly template?: string | undefined;
  /** Used when the source is empty. */
  readonly default?: string | undefined;
  readonly kind: FieldKind;
  readonly required: boolean;
  /** A missing recommended field gives a `missing_recommended` warning. */
  readonly recommended: boolean;
  /** In characters (code points). */
  readonly maxLength?: number | undefined;
  readonly onTooLong: 'truncate' | 'reject';
  /** What an invalid value does: exclude the item, or drop the field with a warning. @default exclude if required, else omit */
  readonly onInvalid: 'exclude' | 'omit';
  /** enum: source value (compared lower-cased, trimmed) → output value. */
  readonly values?: Readonly<Record<string, string>> | undefined;
  /** price: `15.00 EUR` or `15.00`. @default amount-currency */
  readonly style?: PriceStyle | undefined;
  /** price: allow 0 (shipping, tax). @default false */
  readonly allowZero?: boolean | undefined;
  /** price: the name of another price field this one must be below (sale price < price). */
  readonly below?: string | undefined;
  /** integer bounds, inclusive. */
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly list?: ListOptions | undefined;
  /** XML only: attributes of the element, name → template (`{currency}`). */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  /** false: validated (can exclude the item) but not written. @default true */
  readonly write: boolean;
}

export interface XmlLayout {
  /** prefix → namespace URI; `{namespaces}` in the header becomes the xmlns declarations. */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Written once before the items; `{catalog}`, `{generatedAt}`, `{title}`, `{link}` are filled in, escaped. */
  readonly header: string;
  /** The element wrapping one item (`item`, `product`, `Result`). */
  readonly item: string;
  readonly footer: string;
  /** Prefix of the item element's lines. @default "" */
  readonly indent: string;
}

export interface CsvLayout {
  readonly delimiter: string;
  readonly quoting: CsvQuoting;
}

export interface ChannelLimits {
  readonly maxItems?: number | undefined;
  readonly maxBytes?: number | undefined;
  /** What the publisher does past a limit: refuse the feed, or split it into numbered files. @default refuse */
  readonly onOverLimit: 'refuse' | 'split';
}

export interface ChannelDefinition {
  readonly name: string;
  readonly title: string;
  /** The official specification this definition follows (a URL). */
  readonly spec: string;
  readonly description?: string | undefined;
  readonly format: ChannelFormat;
  /** The published file name, e.g. google-shopping.xml. */
  readonly fileName: string;
  readonly xml?: XmlLayout | undefined;
  readonly csv?: CsvLayout | undefined;
  readonly fields: readonly FieldDefinition[];
  readonly limits: ChannelLimits;
  /** Where the definition was read from, for messages. */
  readonly file: string;
}
