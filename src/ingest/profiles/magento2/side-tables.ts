/**
 * Side tables of the magento2 profile in the staging DB being loaded.
 *
 * Magento exports configurable parents after their simple children, and a child that is
 * "Not Visible Individually" has no page of its own: its link, group id and fallback content come from
 * a parent not read yet. Such children wait here (on the staging disk, not in memory, so a catalog of
 * any size stays in bounded RSS) and are written in `finish()`. The tables are dropped there, so the
 * staging schema other areas read is unchanged.
 */
import type { StagingDb } from '../../../staging/index.js';

export const SIDE_DDL = `
CREATE TABLE IF NOT EXISTS magento2_parent (
  line INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  online INTEGER NOT NULL,
  product TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS magento2_variation (
  child_sku TEXT PRIMARY KEY,
  parent_sku TEXT NOT NULL,
  attrs TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS magento2_child (
  line INTEGER PRIMARY KEY,
  byte_offset INTEGER,
  sku TEXT NOT NULL,
  product TEXT NOT NULL,
  offer TEXT NOT NULL
);
`;

export const SIDE_INDEX_DDL = `
CREATE INDEX IF NOT EXISTS magento2_parent_sku ON magento2_parent(sku);
CREATE INDEX IF NOT EXISTS magento2_variation_parent ON magento2_variation(parent_sku);
CREATE INDEX IF NOT EXISTS magento2_child_sku ON magento2_child(sku);
`;

export const SIDE_DROP_DDL = `
DROP TABLE IF EXISTS magento2_parent;
DROP TABLE IF EXISTS magento2_variation;
DROP TABLE IF EXISTS magento2_child;
`;

export function createSideTables(db: StagingDb): void {
  db.exec(SIDE_DDL);
}
