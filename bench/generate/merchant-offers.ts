/**
 * The merchant catalog as a sequence of offers, independent of the file format: the CSV and the
 * RSS serialisers read the same sequence, so the same seed gives the same offers in both.
 *
 * Products (item groups) are drawn one at a time and emitted variant by variant; nothing but the
 * current product is held in memory. About 45 % of products are single offers (no item_group_id);
 * the others have 2 to `maxVariants` variants sharing title stem, description, brand and images.
 */
import { Prng } from './prng.js';
import { gs1CheckDigit, slug } from './text.js';
import { BRANDS, COLORS, HTML_LISTS, SENTENCES, SHIPPING, VERTICALS, type Vertical } from './words.js';

export type MerchantAvailability = 'in stock' | 'out of stock' | 'preorder' | 'backorder';

export interface MerchantOffer {
  id: string;
  title: string;
  description: string;
  /** The description holds HTML markup (the RSS writer puts it in CDATA). */
  html: boolean;
  link: string;
  imageLink: string;
  additionalImages: readonly string[];
  /** Minor units (EUR cents). */
  price: number;
  /** Minor units, or -1 when the offer has no sale price. */
  salePrice: number;
  currency: string;
  availability: MerchantAvailability;
  quantity: number;
  brand: string;
  /** Valid GS1 check digit, or '' when the merchant gave none. */
  gtin: string;
  mpn: string;
  condition: 'new' | 'refurbished' | 'used';
  googleCategory: string;
  productType: string;
  /** '' for a single-offer product. */
  itemGroupId: string;
  color: string;
  size: string;
  gender: string;
  ageGroup: string;
  material: string;
  /** Google's `country:region:service:price` form. */
  shipping: string;
  /** The CSV writes this row's prices with a decimal comma ("12,90"), as French exports do. */
  decimalComma: boolean;
}

interface Product {
  vertical: Vertical;
  number: number;
  groupId: string;
  baseTitle: string;
  description: string;
  html: boolean;
  link: string;
  brand: string;
  material: string;
  productType: string;
  googleCategory: string;
  gender: string;
  ageGroup: string;
  basePrice: number;
  variants: number;
  sizeStart: number;
  colorStart: number;
  images: number;
  mpnStem: string;
}

const COLLECTIONS = [', collection Automne-Hiver', ', édition limitée', ', lot de 2', ', taille standard', ''];

export class MerchantOffers {
  readonly #prng: Prng;
  readonly #total: number;
  #emitted = 0;
  #products = 0;
  #product: Product | undefined;
  #variant = 0;

  constructor(seed: string | number, total: number) {
    this.#prng = new Prng(`merchant:${seed}`);
    this.#total = total;
  }

  /** Products (item groups and single offers) started so far. */
  get products(): number {
    return this.#products;
  }

  get emitted(): number {
    return this.#emitted;
  }

  /** The next offer, or undefined after `total`. */
  next(): MerchantOffer | undefined {
    if (this.#emitted >= this.#total) return undefined;
    let p = this.#product;
    if (p === undefined || this.#variant >= p.variants) {
      p = this.#newProduct(this.#total - this.#emitted);
      this.#product = p;
      this.#variant = 0;
    }
    const offer = this.#offer(p, this.#variant);
    this.#variant++;
    this.#emitted++;
    return offer;
  }

  #newProduct(remaining: number): Product {
    const r = this.#prng;
    const number = ++this.#products;
    const vertical = r.pick(VERTICALS);
    const brand = r.pick(BRANDS);
    const noun = r.pick(vertical.nouns);
    const material = vertical.materials.length > 0 ? r.pick(vertical.materials) : '';
    const baseTitle = `${brand} ${noun} ${r.pick(vertical.adjectives)}${material ? ` en ${material}` : ''}${r.pick(COLLECTIONS)}`;
    const maxVariants = Math.max(1, Math.min(vertical.maxVariants, variantCapacity(vertical)));
    const variants = Math.min(remaining, r.chance(0.45) ? 1 : r.range(Math.min(2, maxVariants), maxVariants));
    const groupId = `${vertical.code}-${String(number).padStart(8, '0')}`;
    const { description, html } = this.#description(noun, material, brand);
    const gc = vertical.googleCategory;
    const g = r.int(10);
    return {
      vertical,
      number,
      groupId,
      baseTitle,
      description,
      html,
      link: `https://www.shop.example/${vertical.code.toLowerCase()}/${slug(`${noun} ${brand}`)}-${number}.html`,
      brand,
      material,
      productType: r.pick(vertical.productTypes),
      googleCategory: g < 6 ? gc.id : g < 9 ? gc.path : '',
      gender: vertical.genders.length > 0 ? r.pick(vertical.genders) : '',
      ageGroup: vertical.ageGroups.length > 0 ? r.pick(vertical.ageGroups) : '',
      basePrice: r.range(vertical.price[0], vertical.price[1]),
      variants,
      sizeStart: r.int(Math.max(1, vertical.sizes.length)),
      colorStart: r.int(COLORS.length),
      images: r.range(0, 3),
      mpnStem: `${brand.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase()}${r.range(10000, 99999)}`,
    };
  }

  #description(noun: string, material: string, brand: string): { description: string; html: boolean } {
    const r = this.#prng;
    const parts = r
      .sample(SENTENCES, r.range(3, 6))
      .map((s) => s.replaceAll('{n}', noun).replaceAll('{m}', material || 'matière premium').replaceAll('{b}', brand));
    const kind = r.int(100);
    if (kind < 15) {
      const list = r.pick(HTML_LISTS).replaceAll('{m}', material || 'matière premium');
      return { description: `<p>${parts.join(' ')}</p>${list}`, html: true };
    }
    // Multi-line descriptions: line breaks inside a quoted CSV field, the classic parser trap.
    if (kind < 27) return { description: parts.join('\n'), html: false };
    return { description: parts.join(' '), html: false };
  }

  #offer(p: Product, v: number): MerchantOffer {
    const r = this.#prng;
    const vert = p.vertical;
    const single = p.variants === 1;
    const sizes = vert.sizes;
    const sizeIndex = sizes.length > 0 ? (p.sizeStart + v) % sizes.length : -1;
    const size = sizeIndex >= 0 ? (sizes[sizeIndex] as string) : '';
    // Variants walk sizes first, then colours: (size, colour) pairs never repeat within a product.
    const colorStep = sizes.length > 0 ? Math.floor(v / sizes.length) : v;
    const color = vert.colors ? (COLORS[(p.colorStart + colorStep) % COLORS.length] as string) : '';
    const id = single ? p.groupId : `${p.groupId}-${String(v + 1).padStart(2, '0')}`;
    const title = single ? p.baseTitle : `${p.baseTitle} - ${[color, size].filter(Boolean).join(' - ')}`;
    const priceRaw = p.basePrice + (sizeIndex > 3 ? 500 : 0);
    const price = Math.floor(priceRaw / 100) * 100 + r.pick(ENDINGS);
    const salePrice = r.chance(0.2) ? Math.floor((price * r.range(60, 90)) / 100) : -1;
    const a = r.int(100);
    const availability: MerchantAvailability = a < 80 ? 'in stock' : a < 92 ? 'out of stock' : a < 97 ? 'preorder' : 'backorder';
    const quantity = availability === 'in stock' ? r.range(1, 250) : 0;
    const additionalImages: string[] = [];
    for (let k = 2; k <= p.images + 1; k++) additionalImages.push(`https://cdn.shop.example/img/${p.groupId}/${v + 1}-${k}.jpg`);
    const c = r.int(100);
    return {
      id,
      title,
      description: p.description,
      html: p.html,
      link: single ? p.link : `${p.link}?variant=${id}`,
      imageLink: `https://cdn.shop.example/img/${p.groupId}/${v + 1}-1.jpg`,
      additionalImages,
      price,
      salePrice,
      currency: 'EUR',
      availability,
      quantity,
      brand: p.brand,
      gtin: this.#gtin(),
      mpn: r.chance(0.9) ? `${p.mpnStem}-${v + 1}` : '',
      condition: c < 95 ? 'new' : c < 98 ? 'refurbished' : 'used',
      googleCategory: p.googleCategory,
      productType: p.productType,
      itemGroupId: single ? '' : p.groupId,
      color,
      size,
      gender: p.gender,
      ageGroup: p.ageGroup,
      material: p.material,
      shipping: r.pick(SHIPPING),
      decimalComma: r.chance(0.1),
    };
  }

  /** GTIN-13 (French 37x prefix) mostly, some GTIN-12 and GTIN-8, 15 % none; GTIN-13/12 are unique per offer. */
  #gtin(): string {
    const r = this.#prng;
    const k = r.int(100);
    if (k < 15) return '';
    const serial = this.#emitted;
    let body: string;
    if (k < 90) body = `37${String(serial).padStart(10, '0')}`;
    else if (k < 97) body = `0${String(serial % 1e10).padStart(10, '0')}`;
    else body = `9${String(serial % 1e6).padStart(6, '0')}`;
    return `${body}${gs1CheckDigit(body)}`;
  }
}

const ENDINGS = [90, 99, 0, 50, 95];

function variantCapacity(v: Vertical): number {
  return Math.max(1, v.sizes.length) * (v.colors ? COLORS.length : 1);
}
