/**
 * The magento2 CSV mapper: rows in file order, store-view overrides, and the parent/child
 * resolution in `finish()`.
 *
 * Record accounting (`seen = accepted + rejected`):
 * - a visible simple row is one offer, written at once;
 * - a "Not Visible Individually" row is validated at once (a bad one is rejected with its line),
 *   then waits in a side table and becomes one offer of its parent's product in `finish()`, or a
 *   reject when no parent in the file lists it;
 * - a configurable parent row, a disabled product and a store-view row are accepted without offer.
 */
import type { OfferInput, ProductInput, RecordLocation } from '../../../model.js';
import type { StagingDb } from '../../../staging/index.js';
import type { CsvMapper, ProfileSink } from '../../profile.js';
import { FieldReader } from '../../fields.js';
import { rejectRecord } from '../common.js';
import { cell, type ColumnIndex } from './columns.js';
import { conditionOf, mapMagentoRow, materialOf, type MagentoSettings } from './map-row.js';
import { createSideTables, SIDE_DROP_DDL, SIDE_INDEX_DDL } from './side-tables.js';
import type Database from 'better-sqlite3';

/** Rows fetched per page in `finish()`: the side tables are scanned in bounded slices. */
const PAGE = 1000;

interface Pending {
  fields: string[];
  loc: RecordLocation;
}

export class MagentoMapper implements CsvMapper {
  readonly #idx: ColumnIndex;
  readonly #s: MagentoSettings;
  readonly #db: StagingDb;
  readonly #insertParent: Database.Statement;
  readonly #insertVariation: Database.Statement;
  readonly #insertChild: Database.Statement;
  readonly #reader = new FieldReader();
  /** The sink of the load, kept from `row()` for the offers written in `finish()`. */
  #sink: ProfileSink | undefined;
  /** With `store-view`: the last default row, held until its override rows (which follow it) are read. */
  #pending: Pending | undefined;

  constructor(idx: ColumnIndex, settings: MagentoSettings, db: StagingDb) {
    this.#idx = idx;
    this.#s = settings;
    this.#db = db;
    createSideTables(db);
    this.#insertParent = db.prepare('INSERT INTO magento2_parent (line, sku, online, product) VALUES (?, ?, ?, ?)');
    this.#insertVariation = db.prepare(
      'INSERT OR IGNORE INTO magento2_variation (child_sku, parent_sku, attrs) VALUES (?, ?, ?)',
    );
    this.#insertChild = db.prepare('INSERT INTO magento2_child (line, byte_offset, sku, product, offer) VALUES (?, ?, ?, ?, ?)');
  }

  row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
    this.#sink = sink;
    const store = cell(fields, this.#idx, 'store_view_code').trim();
    if (store === '') {
      if (this.#s.storeView === undefined) {
        this.#map(fields, loc, sink);
        return;
      }
      this.#flush(sink);
      this.#pending = { fields: fields.slice(), loc };
      return;
    }
    if (this.#s.storeView !== store) {
      // An override for another store view: the default row already carries this product.
      sink.acceptWithoutOffer();
      return;
    }
    const sku = cell(fields, this.#idx, 'sku').trim();
    const pending = this.#pending;
    if (pending === undefined || cell(pending.fields, this.#idx, 'sku').trim() !== sku) {
      rejectRecord(
        sink,
        loc,
        {
          code: 'RECORD_BAD_VALUE',
          field: 'store_view_code',
          message: `store view row of sku ${JSON.stringify(sku)} does not follow that sku's default row; Magento writes a product's store view rows right after its default row: re-export the catalog`,
        },
        fields.slice(0, 8).join(','),
      );
      return;
    }
    // Non-empty cells of the override win; empty ones mean "same as default" in Magento's export.
    fields.forEach((v, i) => {
      if (v !== '' && i !== this.#idx.sku && i !== this.#idx.store_view_code) pending.fields[i] = v;
    });
    sink.acceptWithoutOffer();
  }

  finish(db: StagingDb): void {
    const sink = this.#sink;
    if (sink !== undefined) {
      this.#flush(sink);
      db.exec(SIDE_INDEX_DDL);
      this.#groupVisibleChildren(db);
      this.#writeChildren(db, sink);
      this.#rejectOrphans(db, sink);
    }
    db.exec(SIDE_DROP_DDL);
  }

  #flush(sink: ProfileSink): void {
    const p = this.#pending;
    if (p === undefined) return;
    this.#pending = undefined;
    if (this.#s.storeView !== undefined) {
      const i = this.#idx.store_view_code;
      if (i >= 0) p.fields[i] = '';
    }
    this.#map(p.fields, p.loc, sink);
  }

  #map(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
    const m = mapMagentoRow(fields, this.#idx, this.#s, this.#reader);
    switch (m.kind) {
      case 'reject':
        rejectRecord(sink, loc, m.problem, fields.slice(0, 8).join(','));
        return;
      case 'disabled':
        sink.acceptWithoutOffer();
        return;
      case 'parent':
        this.#insertParent.run(loc.line, m.sku, m.online ? 1 : 0, JSON.stringify(m.product));
        for (const v of m.variations) this.#insertVariation.run(v.sku, m.sku, JSON.stringify(v.attrs));
        sink.acceptWithoutOffer();
        return;
      case 'offer':
        if (this.#s.storeView !== undefined) m.offer.attrs = { ...m.offer.attrs, store_view_code: this.#s.storeView };
        if (m.visible) {
          // Standalone: no product key, so the group id stays empty unless a parent lists it.
          sink.standaloneOffer({ ...m.product, key: undefined }, m.offer, loc.line);
        } else {
          this.#insertChild.run(loc.line, loc.byteOffset ?? null, m.offer.id, JSON.stringify(m.product), JSON.stringify(m.offer));
        }
        return;
    }
  }

  /** A visible simple product that a configurable parent also lists gets that parent as group. */
  #groupVisibleChildren(db: StagingDb): void {
    db.prepare(
      `UPDATE offers SET group_id = (SELECT parent_sku FROM magento2_variation v WHERE v.child_sku = offers.offer_id)
       WHERE group_id IS NULL AND offer_id IN (SELECT child_sku FROM magento2_variation)`,
    ).run();
  }

  #writeChildren(db: StagingDb, sink: ProfileSink): void {
    const parents = db.prepare('SELECT line, sku, online, product FROM magento2_parent WHERE line > ? ORDER BY line LIMIT ?');
    const children = db.prepare(
      `SELECT c.line AS line, c.product AS product, c.offer AS offer, v.attrs AS variation
       FROM magento2_variation v JOIN magento2_child c ON c.sku = v.child_sku
       WHERE v.parent_sku = ? ORDER BY c.line`,
    );
    const seenParent = new Set<string>();
    let after = 0;
    for (;;) {
      const page = parents.all(after, PAGE) as { line: number; sku: string; online: number; product: string }[];
      if (page.length === 0) break;
      for (const p of page) {
        after = p.line;
        // Two parent rows with one sku: the first lists the children, the later one is a duplicate.
        if (seenParent.has(p.sku)) continue;
        seenParent.add(p.sku);
        const kids = children.all(p.sku) as { line: number; product: string; offer: string; variation: string }[];
        if (kids.length === 0) continue;
        if (p.online === 0) {
          // A disabled parent hides its options from the storefront: nothing to list.
          for (let i = 0; i < kids.length; i++) sink.acceptWithoutOffer();
          continue;
        }
        const parent = JSON.parse(p.product) as ProductInput;
        const pid = sink.product(parent);
        for (const k of kids) sink.offer(pid, childOffer(parent, k), k.line);
      }
    }
  }

  #rejectOrphans(db: StagingDb, sink: ProfileSink): void {
    const orphans = db.prepare(
      `SELECT c.line AS line, c.byte_offset AS byteOffset, c.sku AS sku FROM magento2_child c
       WHERE c.line > ? AND NOT EXISTS (
         SELECT 1 FROM magento2_variation v JOIN magento2_parent p ON p.sku = v.parent_sku WHERE v.child_sku = c.sku)
       ORDER BY c.line LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const page = orphans.all(after, PAGE) as { line: number; byteOffset: number | null; sku: string }[];
      if (page.length === 0) break;
      for (const o of page) {
        after = o.line;
        rejectRecord(
          sink,
          { line: o.line, byteOffset: o.byteOffset ?? undefined },
          {
            code: 'RECORD_BAD_VALUE',
            field: 'visibility',
            message: `sku ${o.sku} is "Not Visible Individually" and no configurable product in the file lists it, so it has no page to link to; set its visibility to "Catalog, Search" or export its parent too`,
          },
          o.sku,
        );
      }
    }
  }
}

/**
 * A child's offer: grouped under its parent's sku, linked to the parent's page (the child has
 * none), its own content where it differs from the parent's, the parent's where it has none.
 */
function childOffer(
  parent: ProductInput,
  k: { product: string; offer: string; variation: string },
): OfferInput {
  const own = JSON.parse(k.product) as ProductInput;
  const offer = JSON.parse(k.offer) as OfferInput;
  const variation = JSON.parse(k.variation) as Record<string, string>;
  // The product row holds the parent's attrs once; the offer keeps only what differs.
  const attrs: Record<string, string> = {};
  for (const [key, v] of Object.entries({ ...own.attrs, ...offer.attrs })) {
    if (parent.attrs?.[key] !== v) attrs[key] = v;
  }
  return {
    ...offer,
    groupId: parent.key,
    title: own.title ?? parent.title,
    description: own.description !== undefined && own.description !== parent.description ? own.description : undefined,
    link: parent.link,
    image: own.image !== undefined && own.image !== parent.image ? own.image : undefined,
    color: offer.color ?? variation.color,
    size: offer.size ?? variation.size,
    // Attributes set once on the parent describe every option (a hoodie's material, its gender).
    material: offer.material ?? materialOf(parent.attrs?.material),
    gender: offer.gender ?? parent.attrs?.gender,
    ageGroup: offer.ageGroup ?? parent.attrs?.age_group,
    condition: offer.condition ?? conditionOf(parent.attrs?.condition),
    attrs,
  };
}
