/**
 * An app DB made by an earlier feedmill (before catalogs kept profile options and versions their
 * load settings) opens with the new columns added and its rows intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppDbAt } from '../../src/db/index.js';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { CatalogVersions } from '../../src/staging/index.js';

const OLD_DDL = `
CREATE TABLE catalogs (name TEXT PRIMARY KEY, profile TEXT NOT NULL, channels TEXT NOT NULL DEFAULT '[]', rules_path TEXT,
  currency TEXT, current_version INTEGER, created_at TEXT NOT NULL);
CREATE TABLE catalog_versions (catalog TEXT NOT NULL, version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('loading', 'ready', 'failed', 'superseded')), staging_path TEXT NOT NULL, source_path TEXT,
  source_name TEXT, profile TEXT, format TEXT, container TEXT, encoding TEXT, seen INTEGER, accepted INTEGER, rejected INTEGER,
  products INTEGER, offers INTEGER, rejects_by_code TEXT, error TEXT, created_at TEXT NOT NULL, finished_at TEXT, PRIMARY KEY (catalog, version));
INSERT INTO catalogs VALUES ('old', 'magento2', '["meta"]', NULL, 'EUR', 1, '2026-01-01T00:00:00.000Z');
INSERT INTO catalog_versions (catalog, version, status, staging_path, created_at) VALUES ('old', 1, 'ready', '/nowhere/v1.sqlite', '2026-01-01T00:00:00.000Z');
`;

test('an app DB of an earlier release gains the new columns; its catalogs and versions read as before', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-upgrade-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openAppDbAt(join(dir, 'feedmill.db'));
  t.after(() => db.close());
  db.exec(OLD_DDL);
  const registry = new CatalogRegistry(db);
  new CatalogRegistry(db); // a second opening (another process) finds the columns there
  const old = registry.get('old');
  assert.deepEqual([old.profile, old.channels, old.currency, old.currentVersion, old.profileOptions], ['magento2', ['meta'], 'EUR', 1, {}]);
  assert.deepEqual(registry.update('old', { profileOptions: { 'base-url': 'https://shop.example' } }).profileOptions, { 'base-url': 'https://shop.example' });
  const versions = new CatalogVersions(db, { stagingDir: join(dir, 'staging') });
  assert.equal(versions.get('old', 1)?.loadSettings, null, 'a version staged before settings were kept');
  const v2 = versions.begin('old', { sourceName: 'x.csv', loadSettings: { currency: 'EUR' } });
  assert.deepEqual(versions.get('old', v2.version)?.loadSettings, { currency: 'EUR' });
});
