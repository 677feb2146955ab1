/**
 * PrestaShop's installer demo data: `data/product.xml` is the record stream
 * (`<entity_product><entities><product id="..." price="..." .../>`), everything else is looked up in
 * the companion tables beside it (see demo-data.ts).
 *
 * A product is numbered 1, 2, 3... in document order, as PrestaShop does at install time; that number
 * is the offer id of a product without combinations, and `{product}-{combination}` (both numeric)
 * the id of each combination, grouped by the product number — the ids a PrestaShop shop itself uses.
 */
import type { Availability, OfferInput, ProductInput, RecordLocation } from '../../../model.js';
import { REJECT_RAW_MAX } from '../../../model.js';
import { parsePrice } from '../../../money.js';
import { FieldReader } from '../../fields.js';
import type { ProfileContext, ProfileSink, XmlMapper, XmlNode } from '../../profile.js';
import { locationOf, present, reduceByRate } from '../common.js';
import { excerpt } from '../xml-node.js';
import { loadDemoData, type DemoCombination, type DemoLookups } from './demo-data.js';
import { imageUrl, productUrl, type PrestashopSettings } from './settings.js';

const SIZE_GROUPS = /^(sizes?|tailles?|gr(ö|oe)(ss|ß)e|taglia|talla)$/i;
/** Product attributes kept as attrs when non-empty and not zero-like. */
const ATTRS = ['reference', 'supplier_reference', 'weight', 'product_type', 'is_virtual', 'on_sale', 'online_only', 'unity', 'ecotax', 'available_date'];
const NO_DATE = /^0000-00-00/;

export class PrestashopXmlMapper implements XmlMapper {
  readonly #s: PrestashopSettings;
  readonly #data: DemoLookups;
  readonly #r = new FieldReader();
  /** Numeric id of the next product: its position in the document. */
  #n = 0;

  constructor(ctx: ProfileContext, settings: PrestashopSettings) {
    this.#s = settings;
    this.#data = loadDemoData(ctx, settings.lang);
  }

  isRecord(name: string, depth: number): boolean {
    return depth === 2 && name === 'product';
  }

  record(node: XmlNode, loc: RecordLocation, sink: ProfileSink): void {
    const n = String(++this.#n);
    const a = node.attrs;
    const r = this.#r;
    r.reset();
    const symbolic = r.required('id', a.id);
    const price = r.price('price', a.price, this.#s.defaultCurrency, true);
    const quantity = this.#data.stock.get(`${n}:0`) ?? r.int('quantity', a.quantity);
    const condition = r.condition('condition', a.condition);
    if (r.problem !== undefined || symbolic === undefined || price === undefined) {
      const p = r.problem ?? { code: 'RECORD_MISSING_ID' as const, field: 'id', message: 'the product has no id' };
      sink.reject({ ...locationOf(loc), code: p.code, field: p.field, message: p.message, raw: excerpt(node).slice(0, REJECT_RAW_MAX) });
      return;
    }
    if (a.active === '0') {
      sink.acceptWithoutOffer();
      return;
    }
    const texts = this.#data.names.get(symbolic) ?? {};
    const rewrite = present(texts.link_rewrite);
    const images = (this.#data.images.get(symbolic) ?? []).map((i) => imageUrl(this.#s, i)).filter((u): u is string => u !== undefined);
    const attrs: Record<string, string> = { prestashop_id: symbolic };
    for (const k of ATTRS) {
      const v = present(a[k]);
      if (v !== undefined && !/^0*(\.0*)?$/.test(v) && !NO_DATE.test(v)) attrs[k] = v;
    }
    const short = r.text('description_short', texts.description_short);
    if (short !== undefined) attrs.short_description = short;
    const product: ProductInput = {
      key: n,
      title: r.text('name', texts.name),
      description: r.text('description', texts.description) ?? short,
      brand: a.id_manufacturer === undefined ? undefined : this.#data.manufacturers.get(a.id_manufacturer),
      category: a.id_category_default === undefined ? undefined : present(this.#data.categoryPaths.get(a.id_category_default)),
      link: productUrl(this.#s, n, rewrite),
      image: images[0],
      additionalImages: images.length > 1 ? images.slice(1) : undefined,
      attrs,
    };
    const gtin = present(a.ean13) ?? present(a.upc);
    const combos = this.#data.combinations.get(symbolic) ?? [];
    if (combos.length === 0) {
      const sale = this.#sale(symbolic, undefined, price.minor, price.currency);
      // One offer, no variants: no product key, so no group id either.
      sink.standaloneOffer({ ...product, key: undefined }, {
        id: n,
        price: price.minor,
        salePrice: sale?.minor,
        currency: price.currency,
        availability: availability(quantity, a),
        quantity,
        gtin,
        condition,
        attrs: sale?.attrs,
      }, loc.line);
      return;
    }
    let pid: number | undefined;
    for (const c of combos) {
      const offer = this.#combination(n, symbolic, rewrite, c, price, a, condition, images);
      if ('problem' in offer) {
        sink.reject({ ...locationOf(loc), code: 'RECORD_BAD_PRICE', field: 'product_attribute/@price', message: offer.problem, raw: `product_attribute ${c.id}` });
        continue;
      }
      pid ??= sink.product(product);
      sink.offer(pid, offer, loc.line);
    }
  }

  #combination(
    n: string,
    symbolic: string,
    rewrite: string | undefined,
    c: DemoCombination,
    base: { minor: number; currency: string },
    a: Record<string, string>,
    condition: OfferInput['condition'],
    productImages: readonly string[],
  ): OfferInput | { problem: string } {
    const impactText = present(c.attrs.price) ?? '0';
    const impact = parsePrice(impactText, base.currency);
    if (impact === undefined || base.minor + impact.minor < 0) {
      return { problem: `combination ${c.id} of ${symbolic}: price impact ${JSON.stringify(impactText)} is not an amount that keeps the price positive` };
    }
    const price = base.minor + impact.minor;
    const stock = this.#data.stock.get(`${n}:${c.numericId}`);
    const q = stock ?? Number(c.attrs.quantity);
    const quantity = Number.isSafeInteger(q) ? q : undefined;
    const attrs: Record<string, string> = { prestashop_combination_id: c.id };
    let color: string | undefined;
    let size: string | undefined;
    for (const v of c.values) {
      attrs[v.group] = v.value;
      if (v.isColor) color ??= v.value;
      else if (SIZE_GROUPS.test(v.group)) size ??= v.value;
    }
    const reference = present(c.attrs.reference);
    if (reference !== undefined) attrs.reference = reference;
    if (c.attrs.default_on === '1') attrs.default_combination = '1';
    const sale = this.#sale(symbolic, c.id, price, base.currency);
    if (sale?.attrs) Object.assign(attrs, sale.attrs);
    // A combination's own picture replaces the cover as its main image; the product's other
    // pictures, the cover included, are its additional ones.
    const image = c.image === undefined ? undefined : imageUrl(this.#s, c.image);
    const others = image === undefined ? undefined : productImages.filter((u) => u !== image);
    return {
      id: `${n}-${c.numericId}`,
      groupId: n,
      link: productUrl(this.#s, n, rewrite, String(c.numericId)),
      image,
      additionalImages: others !== undefined && others.length > 0 ? others : undefined,
      price,
      salePrice: sale?.minor,
      currency: base.currency,
      availability: availability(quantity, a),
      quantity,
      gtin: present(c.attrs.ean13) ?? present(c.attrs.upc) ?? present(a.ean13) ?? present(a.upc),
      condition,
      color,
      size,
      attrs,
    };
  }

  /**
   * The reduced price from the product's catalog-wide specific price, if one applies to this
   * combination (or to all, `id_product_attribute` empty or 0): a percentage (`reduction="0.2"`
   * = 20 %) or an amount, from the rule's own fixed price when it sets one (`price` ≥ 0).
   */
  #sale(symbolic: string, combination: string | undefined, price: number, currency: string): { minor: number; attrs: Record<string, string> | undefined } | undefined {
    for (const rule of this.#data.specificPrices.get(symbolic) ?? []) {
      const target = rule.id_product_attribute ?? '';
      if (target !== '' && target !== '0' && target !== combination) continue;
      const fixed = rule.price !== undefined && !rule.price.startsWith('-') ? parsePrice(rule.price, currency)?.minor : undefined;
      const from = fixed ?? price;
      const reduction = rule.reduction ?? '0';
      const minor = rule.reduction_type === 'amount' ? from - (parsePrice(reduction, currency)?.minor ?? 0) : reduceByRate(from, reduction, true);
      if (minor === undefined || minor < 0 || minor >= price) continue;
      const start = rule.from !== undefined && !NO_DATE.test(rule.from) ? rule.from : '';
      const end = rule.to !== undefined && !NO_DATE.test(rule.to) ? rule.to : '';
      return { minor, attrs: start === '' && end === '' ? undefined : { sale_price_effective_date: `${start}/${end}` } };
    }
    return undefined;
  }
}

/** In stock with stock left; none left: a backorder when orders out of stock are allowed (1). */
function availability(quantity: number | undefined, a: Record<string, string>): Availability {
  if (a.available_for_order === '0') return 'out_of_stock';
  if (quantity === undefined || quantity > 0) return 'in_stock';
  return a.out_of_stock === '1' ? 'backorder' : 'out_of_stock';
}
