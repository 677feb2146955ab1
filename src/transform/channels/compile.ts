/**
 * Compiles a channel definition into its renderer: header, footer and `render(item)`, the per-item
 * hot path that validates and writes one item. Field renderers, tags and quoting are built here
 * once per worker; `render` allocates only the output text (and a warnings array when there are
 * warnings). `check(record)` is the same validation on values read back from a feed file.
 */
import {
  compileCsvRow,
  compileXmlItem,
  csvHeaderLine,
  escapeXmlAttr,
  fillXmlTemplate,
  type CsvRowWriter,
  type XmlItemWriter,
} from '../../emit/index.js';
import type { Item } from '../item.js';
import type { Reason } from '../validate/index.js';
import { FeedmillError } from '../../errors.js';
import type { ChannelDefinition, ChannelFormat, CsvLayout, FieldDefinition, XmlLayout } from './definition.js';
import { compileField, compileGetter, type FieldRenderer, type Scratch } from './field.js';
import { compileOutputCheck, listValues, type FeedRecord, type ValueCheck } from './output-check.js';
import { compileTemplate, type Getter } from './source.js';

export interface FeedContext {
  readonly catalog: string;
  /** ISO 8601 timestamp of the export. */
  readonly generatedAt: string;
  readonly title?: string | undefined;
  readonly link?: string | undefined;
}

export interface RenderWarning {
  readonly field: string;
  readonly reason: Reason;
}

export type RenderResult =
  | { readonly ok: true; readonly text: string; readonly warnings: readonly RenderWarning[] }
  | { readonly ok: false; readonly field: string; readonly reason: Reason };

export interface CompiledChannel {
  readonly name: string;
  readonly format: ChannelFormat;
  /** e.g. google-shopping.xml */
  readonly fileName: string;
  readonly definition: ChannelDefinition;
  /** The output name of the field that carries the item id (source `id`), if the channel has one. */
  readonly idField: string | undefined;
  header(ctx: FeedContext): string;
  footer(ctx: FeedContext): string;
  /** Validates and renders one item (after rules). Pure, no I/O. */
  render(item: Item): RenderResult;
  /** Validates one item read back from a feed file; `text` is empty. */
  check(record: FeedRecord): RenderResult;
}

const NO_WARNINGS: readonly RenderWarning[] = Object.freeze([]);

interface RuntimeField {
  readonly def: FieldDefinition;
  readonly name: string;
  /** Copies of the definition's flags, read once per field per item. */
  readonly required: boolean;
  readonly recommended: boolean;
  readonly exclude: boolean;
  readonly render: FieldRenderer;
  /** Position among written fields, or -1 for check-only fields. */
  readonly slot: number;
  readonly attrs: readonly Getter[] | undefined;
  readonly check: ValueCheck;
  /** The attribute the field reads when it reads that alone (`source: attrs.<key>`, no default). */
  readonly attrKey: string | undefined;
  /** Reads one attribute, is written, and its absence says nothing (not required nor recommended). */
  readonly sparse: boolean;
}

function attrOnlyKey(f: FieldDefinition): string | undefined {
  const only = f.source?.length === 1 ? f.source[0] : undefined;
  return only?.startsWith('attrs.') === true && f.default === undefined ? only.slice('attrs.'.length) : undefined;
}

export interface CompileOptions {
  /**
   * The currency of the feed's bare amounts, for a channel that writes no currency (see
   * `namesCurrency`): an item priced in another is excluded as `not_feed_currency` instead of being
   * written as if its amount were in this one (19.90 USD sent to idealo.de as 19.90). Ignored by
   * channels that name the currency of their prices.
   */
  currency?: string | undefined;
}

export function compileChannel(def: ChannelDefinition, options: CompileOptions = {}): CompiledChannel {
  const feedCurrency = namesCurrency(def) ? undefined : options.currency;
  const priceGetters = new Map<string, Getter>();
  for (const f of def.fields) if (f.kind === 'price') priceGetters.set(f.name, compileGetter(f));
  let slots = 0;
  const fields: RuntimeField[] = def.fields.map((f) => ({
    def: f,
    name: f.name,
    required: f.required,
    recommended: f.recommended,
    exclude: f.onInvalid === 'exclude',
    render: compileField(f, def.format, (n) => priceGetters.get(n), feedCurrency),
    slot: f.write ? slots++ : -1,
    attrs: f.attributes === undefined ? undefined : Object.values(f.attributes).map((t) => compileTemplate(t)),
    check: compileOutputCheck(f, def.fields),
    attrKey: attrOnlyKey(f),
    sparse: attrOnlyKey(f) !== undefined && f.write && !f.required && !f.recommended,
  }));
  const written = fields.filter((f) => f.slot >= 0);
  const idField = def.fields.find((f) => f.source?.length === 1 && f.source[0] === 'id' && f.write)?.name;

  // Reused for every item: render is synchronous and copies them into the output text.
  const values: (string | readonly string[] | undefined)[] = new Array<undefined>(written.length).fill(undefined);
  const attrValues: (readonly string[] | undefined)[] = new Array<undefined>(written.length).fill(undefined);
  const scratch: Scratch = { reason: null, warnings: [] };
  const writeItem = itemWriter(def, written);
  const n = fields.length;
  // An item holds few of the attributes a channel can write (Google's has 25 such fields), and each
  // lookup of an absent one cost ~60 ns: the item's own attributes are walked instead, stamping the
  // fields they feed; the others are missing without a call. Stamps are per render (a generation),
  // so nothing is cleared per item.
  const byAttr = new Map<string, number[]>();
  fields.forEach((f, i) => {
    if (f.attrKey === undefined) return;
    const list = byAttr.get(f.attrKey);
    if (list === undefined) byAttr.set(f.attrKey, [i]);
    else list.push(i);
  });
  const fed = new Int32Array(n);
  let generation = 0;

  const render = (item: Item): RenderResult => {
    let warnings: RenderWarning[] | undefined;
    if (byAttr.size > 0) {
      if (generation === 0x7fffffff) {
        fed.fill(0);
        generation = 0;
      }
      generation++;
      for (const key in item.attrs) {
        const feeds = byAttr.get(key);
        if (feeds !== undefined) for (const i of feeds) fed[i] = generation;
      }
    }
    for (let i = 0; i < n; i++) {
      const f = fields[i] as RuntimeField;
      const unfed = f.attrKey !== undefined && fed[i] !== generation;
      if (unfed && f.sparse) {
        values[f.slot] = undefined;
        continue;
      }
      scratch.reason = null;
      if (scratch.warnings.length > 0) scratch.warnings.length = 0;
      const v = unfed ? undefined : f.render(item, scratch);
      if (v === undefined) {
        if (scratch.reason === null) {
          if (f.required) return { ok: false, field: f.name, reason: 'missing' };
          if (f.recommended) (warnings ??= []).push({ field: f.name, reason: 'missing_recommended' });
        } else {
          if (f.exclude) return { ok: false, field: f.name, reason: scratch.reason };
          (warnings ??= []).push({ field: f.name, reason: scratch.reason });
        }
      }
      if (scratch.warnings.length > 0) for (const reason of scratch.warnings) (warnings ??= []).push({ field: f.name, reason });
      if (f.slot < 0) continue;
      values[f.slot] = v;
      if (f.attrs !== undefined) attrValues[f.slot] = v === undefined ? undefined : f.attrs.map((g) => String(g(item) ?? ''));
    }
    return { ok: true, text: writeItem(values, attrValues), warnings: warnings ?? NO_WARNINGS };
  };

  const check = (record: FeedRecord): RenderResult => {
    let warnings: RenderWarning[] | undefined;
    for (const f of fields) {
      if (f.slot < 0) continue;
      const raw = record.get(f.name);
      const vs = raw === undefined ? [] : listValues(f.def, def.format, raw.filter((v) => v !== ''));
      if (vs.length === 0) {
        if (f.def.required) return { ok: false, field: f.name, reason: 'missing' };
        if (f.def.recommended) (warnings ??= []).push({ field: f.name, reason: 'missing_recommended' });
        continue;
      }
      if (f.def.list !== undefined && vs.length > f.def.list.max) (warnings ??= []).push({ field: f.name, reason: 'list_truncated' });
      for (const v of f.def.list === undefined ? vs.slice(0, 1) : vs) {
        const reason = f.check(v, record);
        if (reason === null) continue;
        if (f.def.onInvalid === 'exclude' && f.def.list === undefined) return { ok: false, field: f.name, reason };
        (warnings ??= []).push({ field: f.name, reason });
      }
    }
    return { ok: true, text: '', warnings: warnings ?? NO_WARNINGS };
  };

  const [header, footer] = layout(def, written);
  return Object.freeze({
    name: def.name,
    format: def.format,
    fileName: def.fileName,
    definition: def,
    idField,
    header,
    footer,
    render,
    check,
  });
}

type ItemWrite = (values: readonly (string | readonly string[] | undefined)[], attrs: readonly (readonly string[] | undefined)[]) => string;

function itemWriter(def: ChannelDefinition, written: readonly RuntimeField[]): ItemWrite {
  const { xml, csv } = layoutOf(def);
  if (xml !== undefined) {
    const writer: XmlItemWriter = compileXmlItem(
      xml.item,
      written.map((f) => ({ name: f.name, attributes: Object.keys(f.def.attributes ?? {}), markup: f.def.kind === 'shipping' })),
      xml.indent,
    );
    return writer;
  }
  const row: CsvRowWriter = compileCsvRow(written.length, csv.delimiter, csv.quoting);
  // List fields are joined into one cell by the field renderer, so CSV values are strings here.
  return (values) => row(values as readonly (string | undefined)[]);
}

/** The parser guarantees exactly one layout, matching the format. */
function layoutOf(def: ChannelDefinition): { xml: XmlLayout; csv?: undefined } | { xml?: undefined; csv: CsvLayout } {
  if (def.xml !== undefined) return { xml: def.xml };
  if (def.csv !== undefined) return { csv: def.csv };
  throw new FeedmillError('FEEDMILL_INTERNAL', `channel ${def.name} has no layout`, { channel: def.name });
}

function layout(def: ChannelDefinition, written: readonly RuntimeField[]): [(ctx: FeedContext) => string, (ctx: FeedContext) => string] {
  const { xml, csv } = layoutOf(def);
  if (csv !== undefined) {
    const line = csvHeaderLine(written.map((f) => f.name), csv.delimiter, csv.quoting);
    return [() => line, () => ''];
  }
  const ns = Object.entries(xml.namespaces)
    .map(([prefix, uri]) => ` xmlns:${prefix}="${escapeXmlAttr(uri)}"`)
    .join('');
  const header = xml.header.split('{namespaces}').join(ns);
  const footer = xml.footer.split('{namespaces}').join(ns);
  const fill = (template: string) => (ctx: FeedContext) =>
    fillXmlTemplate(template, { catalog: ctx.catalog, generatedAt: ctx.generatedAt, title: ctx.title ?? ctx.catalog, link: ctx.link ?? '' });
  return [fill(header), fill(footer)];
}

/**
 * Whether a channel's output says which currency its prices are in: a price written with its
 * currency (`15.00 EUR`), or a written field, template or XML attribute that takes the item's
 * currency (a `currency` column, `<Baserate currency="EUR">`). A channel that does neither (idealo)
 * writes bare amounts that the marketplace reads in its own currency.
 */
export function namesCurrency(def: ChannelDefinition): boolean {
  return def.fields.some(
    (f) =>
      f.write &&
      ((f.kind === 'price' && (f.style ?? 'amount-currency') === 'amount-currency') ||
        f.source?.includes('currency') === true ||
        f.template?.includes('{currency}') === true ||
        Object.values(f.attributes ?? {}).some((t) => t.includes('{currency}'))),
  );
}
