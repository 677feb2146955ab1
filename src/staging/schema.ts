/**
 * The staging schema: one SQLite file per catalog version, on the RAM disk.
 *
 * Offer columns mirror `OfferInput` in src/model.ts, in the order the writer binds them. A product's
 * text lives once in `products`; a trip with 800 departures is one product row and 800 narrow offer
 * rows, which is what lets 40 M tour offers fit on a RAM disk. A flat merchant row (one offer, one
 * product) is a single *standalone* offer row with `pid` NULL and the product content in its own
 * columns: one insert per row instead of two, which is what the 150,000 offers/s ingest target needs.
 * Indexes are created after the load.
 */

export const STAGING_SCHEMA_VERSION = 1;

export const PRODUCT_COLUMNS = [
  'pid', 'product_key', 'title', 'description', 'brand', 'category', 'google_category',
  'link', 'image', 'additional_images', 'attrs',
] as const;

export const OFFER_COLUMNS = [
  'oid', 'pid', 'offer_id', 'group_id', 'title', 'description', 'brand', 'category', 'google_category',
  'link', 'image', 'additional_images',
  'price', 'sale_price', 'currency', 'availability', 'quantity', 'gtin', 'mpn', 'condition',
  'color', 'size', 'gender', 'age_group', 'material', 'shipping_price',
  'departure_date', 'nights', 'room', 'board', 'seats', 'attrs', 'line',
] as const;

/** Columns of INTEGER affinity; every other product/offer column is TEXT. */
export const INTEGER_COLUMNS: ReadonlySet<string> = new Set([
  'pid', 'oid', 'price', 'sale_price', 'quantity', 'shipping_price', 'nights', 'seats', 'line',
]);

export const REJECT_COLUMNS = ['line', 'byte_offset', 'path', 'field', 'code', 'message', 'raw'] as const;

export const STAGING_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE products (
  pid INTEGER PRIMARY KEY,
  product_key TEXT,
  title TEXT,
  description TEXT,
  brand TEXT,
  category TEXT,
  google_category TEXT,
  link TEXT,
  image TEXT,
  additional_images TEXT, -- newline-separated URLs (a URL never holds a raw newline)
  attrs TEXT               -- JSON object of extra source fields, or NULL
);
CREATE TABLE offers (
  oid INTEGER PRIMARY KEY,
  pid INTEGER,             -- NULL for a standalone offer that carries its product content itself
  offer_id TEXT NOT NULL,
  group_id TEXT,
  title TEXT,
  description TEXT,
  brand TEXT,
  category TEXT,
  google_category TEXT,
  link TEXT,
  image TEXT,
  additional_images TEXT,
  price INTEGER NOT NULL,  -- minor units
  sale_price INTEGER,
  currency TEXT NOT NULL,
  availability TEXT,
  quantity INTEGER,
  gtin TEXT,
  mpn TEXT,
  condition TEXT,
  color TEXT,
  size TEXT,
  gender TEXT,
  age_group TEXT,
  material TEXT,
  shipping_price INTEGER,
  departure_date TEXT,
  nights INTEGER,
  room TEXT,
  board TEXT,
  seats INTEGER,
  attrs TEXT,
  line INTEGER
);
CREATE TABLE rejects (
  id INTEGER PRIMARY KEY,
  line INTEGER,
  byte_offset INTEGER,
  path TEXT,
  field TEXT,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  raw TEXT
);
`;

/**
 * There is no index on `offer_id`: only the load's duplicate check needs offers by id, and it sorts
 * them once instead (StagingWriter). Kept, that index took a quarter of a tour catalog's staging
 * file (79 of 338 MB for 2 M departures: 1.6 GB of RAM disk at 40 M). Indexes are built after the
 * load: building a B-tree once from sorted input beats updating it per insert.
 *
 * Offers by product, for catalogs that have products. A flat merchant catalog has none (every pid
 * is NULL): the index would only cost a scan of the whole table (0.6 s per million offers here).
 */
export const STAGING_PRODUCT_INDEX_DDL = `
CREATE INDEX offers_pid ON offers(pid);
`;
