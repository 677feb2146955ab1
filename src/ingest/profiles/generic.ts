/**
 * `generic`: one CSV/TSV row per offer, canonical column names (Google's attribute names) or the
 * common aliases merchants use. Unknown columns are kept as attributes for rules and channels.
 */
import { FeedmillError } from '../../errors.js';
import { firstShippingPrice, type OfferInput, type ProductInput, type RecordLocation } from '../../model.js';
import { FieldReader, headerKey, type FieldProblem } from '../fields.js';
import type { CsvMapper, Profile, ProfileContext, ProfileSink } from '../profile.js';
import { rejectRecord } from './common.js';

/** Canonical field → accepted header keys (after headerKey()). */
const ALIASES = {
  id: ['id', 'sku', 'offer_id', 'product_id', 'reference', 'ref', 'item_id', 'article_number'],
  title: ['title', 'name', 'product_name', 'product_title'],
  description: ['description', 'desc', 'long_description', 'product_description'],
  link: ['link', 'url', 'product_url', 'deeplink', 'product_link'],
  image: ['image_link', 'image', 'image_url', 'picture', 'main_image'],
  additionalImages: ['additional_image_link', 'additional_images', 'images', 'additional_image_links'],
  price: ['price', 'regular_price', 'list_price'],
  salePrice: ['sale_price', 'special_price', 'promo_price', 'discount_price'],
  currency: ['currency', 'currency_code'],
  availability: ['availability', 'stock_status', 'in_stock'],
  quantity: ['quantity', 'qty', 'stock', 'stock_quantity'],
  brand: ['brand', 'manufacturer', 'marque'],
  gtin: ['gtin', 'ean', 'ean13', 'upc', 'isbn', 'barcode'],
  mpn: ['mpn', 'manufacturer_part_number'],
  condition: ['condition', 'state'],
  googleCategory: ['google_product_category', 'google_category'],
  category: ['product_type', 'category', 'categories', 'category_path'],
  groupId: ['item_group_id', 'parent_sku', 'group_id', 'parent_id'],
  color: ['color', 'colour'],
  size: ['size'],
  gender: ['gender'],
  ageGroup: ['age_group'],
  material: ['material'],
  shipping: ['shipping', 'shipping_cost', 'shipping_price', 'delivery_cost'],
} as const;

type Canonical = keyof typeof ALIASES;

/**
 * French and German column names of shop back-offices and Excel sheets (after headerKey(): no
 * accents, `Prix TTC` → `prix_ttc`). They only fill a field no name above has taken, so a file that
 * has both `price` and `prix` keeps reading `price` (and `prix` as an attribute), as before.
 */
const LOCAL_ALIASES: Partial<Record<Canonical, readonly string[]>> = {
  id: ['code_article', 'code_produit', 'identifiant', 'artikelnummer', 'artikel_nr'],
  title: ['titre', 'nom', 'nom_du_produit', 'nom_produit', 'designation', 'libelle', 'produktname', 'bezeichnung', 'titel'],
  description: ['description_longue', 'beschreibung'],
  link: ['lien', 'lien_produit', 'url_produit', 'produkt_url'],
  image: ['url_image', 'lien_image', 'photo', 'bild', 'bild_url'],
  price: ['prix', 'prix_ttc', 'prix_de_vente', 'prix_de_vente_ttc', 'preis', 'verkaufspreis'],
  salePrice: ['prix_promo', 'prix_promotionnel', 'prix_solde', 'angebotspreis', 'sonderpreis'],
  currency: ['devise', 'wahrung'],
  availability: ['disponibilite', 'verfugbarkeit'],
  quantity: ['quantite', 'menge', 'bestand', 'lagerbestand'],
  brand: ['marke', 'hersteller'],
  gtin: ['code_ean', 'code_barre', 'code_barres'],
  condition: ['etat', 'zustand'],
  category: ['categorie', 'kategorie', 'rayon'],
  color: ['couleur', 'farbe'],
  size: ['taille'],
  material: ['matiere'],
  shipping: ['frais_de_port', 'frais_de_livraison', 'versandkosten'],
};

const LOOKUP = lookupOf(ALIASES);
const LOCAL_LOOKUP = lookupOf(LOCAL_ALIASES);

function lookupOf(aliases: Partial<Record<Canonical, readonly string[]>>): Map<string, Canonical> {
  const m = new Map<string, Canonical>();
  for (const [canonical, keys] of Object.entries(aliases) as [Canonical, readonly string[]][]) for (const k of keys) m.set(k, canonical);
  return m;
}

/** Column index per canonical field (-1 when absent) plus the extra columns kept as attributes. */
interface Layout {
  index: Record<Canonical, number>;
  extras: { index: number; name: string }[];
}

export function resolveLayout(header: readonly string[]): Layout {
  const index = Object.fromEntries(Object.keys(ALIASES).map((k) => [k, -1])) as Record<Canonical, number>;
  const take = (lookup: Map<string, Canonical>, columns: readonly number[]): number[] => {
    const taken = new Set<Canonical>();
    const rest: number[] = [];
    for (const i of columns) {
      const name = header[i] as string;
      const canonical = lookup.get(headerKey(name));
      if (canonical === undefined || (index[canonical] !== -1 && !taken.has(canonical))) {
        rest.push(i);
        continue;
      }
      if (index[canonical] !== -1) {
        throw new FeedmillError(
          'FEEDMILL_CSV_DUPLICATE_COLUMN',
          `columns ${JSON.stringify(header[index[canonical]])} and ${JSON.stringify(name)} both mean ${canonical}; rename or drop one`,
          { field: canonical, columns: [header[index[canonical]], name] },
        );
      }
      index[canonical] = i;
      taken.add(canonical);
    }
    return rest;
  };
  // Local names only fill fields the names above left empty; a clash within either set is an error.
  const rest = take(LOCAL_LOOKUP, take(LOOKUP, header.map((_, i) => i)));
  const extras = rest.filter((i) => (header[i] as string).trim() !== '').map((i) => ({ index: i, name: (header[i] as string).trim() }));
  return { index, extras };
}

function csv(header: readonly string[], ctx: ProfileContext): CsvMapper {
  const { index, extras } = resolveLayout(header);
  if (index.id === -1 || index.price === -1) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `the generic profile needs an id column and a price column (found: ${header.slice(0, 12).join(', ')}); rename them or choose another --profile`,
      { profile: 'generic', missing: [index.id === -1 ? 'id' : null, index.price === -1 ? 'price' : null].filter(Boolean), header: header.slice(0, 50) },
    );
  }
  const r = new FieldReader();
  const at = (fields: readonly string[], i: number): string | undefined => (i < 0 ? undefined : fields[i]);
  return {
    row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
      r.reset();
      const id = r.id('id', at(fields, index.id));
      const currency = r.currency('currency', at(fields, index.currency)) ?? ctx.defaultCurrency;
      const price = r.price('price', at(fields, index.price), currency, true);
      const sale = r.price('sale_price', at(fields, index.salePrice), price?.currency ?? currency, false);
      const shipping = r.price('shipping', shippingOf(at(fields, index.shipping)), price?.currency ?? currency, false);
      const quantity = r.int('quantity', at(fields, index.quantity));
      const availability = r.availability('availability', at(fields, index.availability));
      const link = r.url('link', at(fields, index.link));
      const image = r.url('image_link', at(fields, index.image));
      const additionalImages = r.urls('additional_image_link', at(fields, index.additionalImages));
      const title = r.text('title', at(fields, index.title));
      const description = r.text('description', at(fields, index.description));
      const condition = r.condition('condition', at(fields, index.condition));
      if (r.problem !== undefined || id === undefined || price === undefined) {
        const p = r.problem ?? { code: 'RECORD_MISSING_ID' as const, field: 'id', message: 'id is empty' };
        rejectRecord(sink, loc, p);
        return;
      }
      let attrs: Record<string, string> | undefined;
      for (const e of extras) {
        const v = fields[e.index];
        if (v !== undefined && v !== '') (attrs ??= {})[e.name] = v;
      }
      // Google's text form (`BE:::7.50 EUR`, several entries comma-separated) says where the price
      // applies: kept whole for the channels that write it, beside the price alone.
      const shippingCell = at(fields, index.shipping);
      if (shippingCell !== undefined && shippingCell.includes(':')) (attrs ??= {}).shipping = shippingCell;
      const product: ProductInput = {
        title,
        description,
        brand: r.text('brand', at(fields, index.brand)),
        category: r.text('product_type', at(fields, index.category)),
        googleCategory: r.text('google_product_category', at(fields, index.googleCategory)),
        link,
        image,
        additionalImages,
        attrs,
      };
      const offer: OfferInput = {
        id,
        groupId: r.text('item_group_id', at(fields, index.groupId)),
        price: price.minor,
        salePrice: sale?.minor,
        currency: price.currency,
        availability: availability ?? (quantity === undefined ? undefined : quantity > 0 ? 'in_stock' : 'out_of_stock'),
        quantity,
        gtin: r.text('gtin', at(fields, index.gtin))?.replace(/[\s-]/g, ''),
        mpn: r.text('mpn', at(fields, index.mpn)),
        condition,
        color: r.text('color', at(fields, index.color)),
        size: r.text('size', at(fields, index.size)),
        gender: r.text('gender', at(fields, index.gender)),
        ageGroup: r.text('age_group', at(fields, index.ageGroup)),
        material: r.text('material', at(fields, index.material)),
        shippingPrice: shipping?.minor,
      };
      // The optional fields read above may have found a problem too (TS cannot see that mutation).
      const late = r.problem as FieldProblem | undefined;
      if (late !== undefined) {
        rejectRecord(sink, loc, late);
        return;
      }
      sink.standaloneOffer(product, offer, loc.line);
    },
  };
}

export const genericProfile: Profile = {
  name: 'generic',
  description: 'one CSV/TSV row per offer with Google-style or common column names',
  independentCsvRows: true,
  detectCsv(header) {
    const { index } = safeLayout(header);
    if (!index) return 0;
    let score = 0;
    if (index.id !== -1) score += 0.3;
    if (index.price !== -1) score += 0.3;
    if (index.title !== -1) score += 0.1;
    if (index.link !== -1) score += 0.1;
    return score;
  },
  refuseCsv(header) {
    try {
      resolveLayout(header);
      return undefined;
    } catch (e) {
      return e instanceof FeedmillError ? e : undefined;
    }
  },
  csv,
};

function safeLayout(header: readonly string[]): Partial<Layout> {
  try {
    return resolveLayout(header);
  } catch {
    return {};
  }
}

/** A shipping cell: a bare amount, or Google's text form, whose first entry's price is the offer's. */
function shippingOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : firstShippingPrice(value);
}
