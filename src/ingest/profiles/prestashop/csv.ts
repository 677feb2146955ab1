/**
 * PrestaShop's products CSV (Back Office > Advanced Parameters > Import, `;`-separated), with its
 * combinations CSV read from beside it.
 *
 * One product row is one record: without combinations it is one standalone offer (id = Product ID);
 * with combinations it is one product and one offer per combination (id = `{Product ID}-{n}`, n the
 * combination's position among that product's rows, grouped by Product ID). A combination with a
 * bad value is rejected alone; an inactive product or one with visibility `none` is accepted but
 * not listed.
 */
import { FeedmillError } from '../../../errors.js';
import type { Availability, OfferInput, ProductInput, RecordLocation } from '../../../model.js';
import { parsePrice } from '../../../money.js';
import { FieldReader, type FieldProblem } from '../../fields.js';
import type { CsvMapper, ProfileContext, ProfileSink } from '../../profile.js';
import { locationOf, present, reduceByRate } from '../common.js';
import { defaultCombinationsFile, readCombinations, type CombinationTable, type CsvCombination } from './combinations-csv.js';
import { isCombinationHeader, labelIndex } from './csv-columns.js';
import { NAME, productUrl, type PrestashopSettings } from './settings.js';

/** Product columns kept as attributes (by their label key → attribute name). */
const ATTR_COLUMNS: readonly (readonly [string, string])[] = [
  ['reference', 'reference'],
  ['supplier reference', 'supplier_reference'],
  ['supplier', 'supplier'],
  ['tax rules id', 'tax_rules_id'],
  ['ecotax', 'ecotax'],
  ['weight', 'weight'],
  ['width', 'width'],
  ['height', 'height'],
  ['depth', 'depth'],
  ['additional shipping cost', 'additional_shipping_cost'],
  ['unity', 'unity'],
  ['unit price', 'unit_price'],
  ['tags', 'tags'],
  ['meta title', 'meta_title'],
  ['product available date', 'available_date'],
  ['visibility', 'visibility'],
  ['virtual product', 'virtual'],
  ['available online only', 'online_only'],
  ['categories', 'categories'],
];

const COLOR_NAMES = /^(colou?rs?|couleurs?|farben?|colore|colores?)$/i;
const SIZE_NAMES = /^(sizes?|tailles?|gr(ö|oe)(ss|ß)e|taglia|talla)$/i;

interface Discount {
  amount: number | undefined;
  percent: string | undefined;
}

export class PrestashopCsvMapper implements CsvMapper {
  readonly #idx: Map<string, number>;
  readonly #s: PrestashopSettings;
  readonly #combos: CombinationTable | undefined;
  readonly #priceLabel: string;
  readonly #r = new FieldReader();

  constructor(header: readonly string[], ctx: ProfileContext, settings: PrestashopSettings) {
    if (isCombinationHeader(header)) {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} is a PrestaShop combinations file; ingest the products file instead: its combinations are read from this file beside it (profile option combinations=${ctx.sourceName})`,
        { profile: NAME, kind: 'combinations' },
      );
    }
    this.#idx = labelIndex(header);
    this.#priceLabel = ['price tax included', 'price tax excluded', 'price'].find((k) => this.#idx.has(k)) ?? '';
    const missing = [this.#idx.has('product id') || this.#idx.has('id') || this.#idx.has('reference') ? null : 'Product ID', this.#priceLabel === '' ? 'Price tax excluded' : null].filter(
      (x): x is string => x !== null,
    );
    if (missing.length > 0) {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} is not a PrestaShop products CSV: the header lacks ${missing.join(' and ')}; export it from Catalog > Products or pick another --profile`,
        { profile: NAME, missing, header: header.slice(0, 20) },
      );
    }
    this.#s = settings;
    const named = settings.combinations;
    const own = ctx.fileName ?? ctx.sourceName;
    const file = named ?? defaultCombinationsFile(own);
    this.#combos = file === undefined || file === own ? undefined : readCombinations(ctx, file, named !== undefined);
  }

  row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
    const idx = this.#idx;
    const cell = (label: string): string | undefined => {
      const i = idx.get(label);
      return i === undefined ? undefined : fields[i];
    };
    const r = this.#r;
    r.reset();
    const raw = fields.slice(0, 6).join(';');
    const id = r.required('Product ID', present(cell('product id')) ?? present(cell('id')) ?? cell('reference'));
    const price = r.price(label(this.#priceLabel), cell(this.#priceLabel), this.#s.defaultCurrency, true);
    const currency = price?.currency ?? this.#s.defaultCurrency;
    const amount = r.price('Discount amount', cell('discount amount'), currency, false);
    const percentText = present(cell('discount percent'));
    if (percentText !== undefined && price !== undefined && reduceByRate(price.minor, percentText) === undefined) {
      r.problem ??= { code: 'RECORD_BAD_VALUE', field: 'Discount percent', message: `Discount percent ${JSON.stringify(percentText)} is not a percentage between 0 and 100` };
    }
    const quantity = r.int('Quantity', cell('quantity'));
    const images = r.urls('Image URLs', cell('image urls'));
    const condition = r.condition('Condition', cell('condition'));
    const title = r.text('Name', cell('name'));
    const description = r.text('Description', cell('description')) ?? r.text('Summary', cell('summary'));
    if (r.problem !== undefined || id === undefined || price === undefined) {
      const p = r.problem ?? { code: 'RECORD_MISSING_PRICE' as const, field: label(this.#priceLabel), message: 'the product has no price' };
      sink.reject({ ...locationOf(loc), code: p.code, field: p.field, message: p.message, raw });
      return;
    }
    if (present(cell('active')) === '0' || present(cell('visibility'))?.toLowerCase() === 'none') {
      sink.acceptWithoutOffer();
      return;
    }
    const attrs: Record<string, string> = {};
    for (const [k, name] of ATTR_COLUMNS) {
      const v = present(cell(k));
      if (v !== undefined) attrs[name] = v;
    }
    attrs.price_tax = this.#priceLabel === 'price tax included' ? 'included' : 'excluded';
    for (const [name, value] of features(cell('feature'))) attrs[name] = value;
    const discount: Discount = { amount: amount?.minor, percent: percentText };
    const product: ProductInput = {
      key: id,
      title,
      description,
      brand: r.text('Manufacturer', cell('manufacturer')),
      category: present(cell('categories')?.split(',')[0]),
      link: productUrl(this.#s, id, present(cell('url rewritten'))),
      image: images?.[0],
      additionalImages: images?.slice(1),
      attrs,
    };
    const gtin = r.text('EAN13', cell('ean13')) ?? r.text('UPC', cell('upc'));
    const offer: OfferInput = {
      id,
      price: price.minor,
      salePrice: sale(price.minor, discount),
      currency: price.currency,
      availability: availability(quantity, cell),
      quantity,
      gtin,
      condition,
      attrs: discountAttrs(cell, discount),
    };
    const combos = this.#combos?.byProduct.get(id) ?? (attrs.reference === undefined ? undefined : this.#combos?.byProduct.get(attrs.reference));
    if (combos === undefined || combos.length === 0) {
      // One offer, no variants: no product key, so no group id either.
      sink.standaloneOffer({ ...product, key: undefined }, offer, loc.line);
      return;
    }
    let pid: number | undefined;
    for (const c of combos) {
      const o = this.#combination(id, offer, discount, c, cell);
      if ('problem' in o) {
        const p = o.problem;
        sink.reject({
          ...locationOf(loc),
          code: p.code,
          field: p.field,
          message: `combination ${c.ordinal} of product ${id} (${this.#combos?.file} line ${c.line}): ${p.message}`,
          raw: `${this.#combos?.file}:${c.line}`,
        });
        continue;
      }
      pid ??= sink.product(product);
      sink.offer(pid, o, loc.line);
    }
  }

  #combination(
    id: string,
    base: OfferInput,
    discount: Discount,
    c: CsvCombination,
    productCell: (label: string) => string | undefined,
  ): OfferInput | { problem: FieldProblem } {
    const r = this.#r;
    r.reset();
    const impactText = c.cells('impact on price');
    const impact = impactText === undefined ? 0 : parsePrice(impactText, base.currency)?.minor;
    if (impact === undefined) {
      return { problem: { code: 'RECORD_BAD_PRICE', field: 'Impact on price', message: `Impact on price ${JSON.stringify(impactText)} is not an amount such as 40 or -5.50` } };
    }
    const price = base.price + impact;
    if (price < 0) {
      return { problem: { code: 'RECORD_BAD_PRICE', field: 'Impact on price', message: `Impact on price ${impactText} makes the price negative` } };
    }
    const quantity = r.int('Quantity', c.cells('quantity'));
    const images = r.urls('Image URLs', c.cells('image urls'));
    const gtin = r.text('EAN13', c.cells('ean13')) ?? r.text('UPC', c.cells('upc'));
    if (r.problem !== undefined) return { problem: r.problem };
    const attrs: Record<string, string> = { ...base.attrs };
    let color: string | undefined;
    let size: string | undefined;
    for (const a of c.attributes) {
      attrs[a.name] = a.value;
      if (color === undefined && (a.type === 'color' || COLOR_NAMES.test(a.name))) color = a.value;
      else if (size === undefined && SIZE_NAMES.test(a.name)) size = a.value;
    }
    const reference = c.cells('reference');
    if (reference !== undefined) attrs.reference = reference;
    const supplierReference = c.cells('supplier reference');
    if (supplierReference !== undefined) attrs.supplier_reference = supplierReference;
    if (c.cells('default') === '1') attrs.default_combination = '1';
    const available = c.cells('combination available date');
    if (available !== undefined) attrs.available_date = available;
    return {
      ...base,
      id: `${id}-${c.ordinal}`,
      groupId: id,
      price,
      salePrice: sale(price, discount),
      quantity,
      availability: availability(quantity, productCell),
      gtin: gtin ?? base.gtin,
      image: images?.[0],
      color,
      size,
      attrs,
    };
  }
}

/** The label as PrestaShop writes it, for reject fields. */
function label(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/** An amount wins over a percentage, as in PrestaShop's own import. */
function sale(price: number, d: Discount): number | undefined {
  if (d.amount !== undefined && d.amount > 0) return Math.max(0, price - d.amount);
  if (d.percent !== undefined) {
    const s = reduceByRate(price, d.percent);
    return s === undefined || s === price ? undefined : s;
  }
  return undefined;
}

function discountAttrs(cell: (label: string) => string | undefined, d: Discount): Record<string, string> | undefined {
  if (d.amount === undefined && d.percent === undefined) return undefined;
  const from = present(cell('discount from'));
  const to = present(cell('discount to'));
  return from === undefined && to === undefined ? undefined : { sale_price_effective_date: `${from ?? ''}/${to ?? ''}` };
}

/**
 * Stock: quantity > 0 is in stock; none left is a backorder when the product allows orders out of
 * stock (`Out of stock action` 1), else out of stock. Not available for order is out of stock.
 */
function availability(quantity: number | undefined, cell: (label: string) => string | undefined): Availability {
  if (present(cell('available for order')) === '0') return 'out_of_stock';
  if (quantity === undefined || quantity > 0) return 'in_stock';
  return present(cell('out of stock action')) === '1' ? 'backorder' : 'out_of_stock';
}

/** `Feature(Name:Value:Position)` cells: `Color:Blue:1,Size:M:2` → [[Color, Blue], [Size, M]]. */
function features(cellValue: string | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const part of (cellValue ?? '').split(',')) {
    const [name, value] = part.split(':');
    if (name !== undefined && value !== undefined && name.trim() !== '' && value.trim() !== '') out.push([name.trim(), value.trim()]);
  }
  return out;
}
