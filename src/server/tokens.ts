/**
 * API and feed tokens: 256 random bits (base64url), shown once when issued, stored only as their
 * SHA-256. Each token opens one catalog with one scope. Lookup goes by the hash (a preimage of the
 * secret never reaches SQL), and the stored hash is compared again in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppDb } from '../db/index.js';
import { ensureSchema } from '../db/index.js';
import { FeedmillError } from '../errors.js';
import { assertName } from '../names.js';
import { isTokenShape } from './ids.js';

export type TokenScope = 'upload' | 'feed' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['upload', 'feed', 'admin'];

export const TOKENS_DDL = `
CREATE TABLE IF NOT EXISTS api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  catalog TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('upload', 'feed', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_catalog ON api_tokens (catalog);
`;

/** A token as listed: never the secret. */
export interface TokenInfo {
  id: number;
  catalog: string;
  scope: TokenScope;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface IssuedToken extends TokenInfo {
  /** The secret: shown once, never stored. */
  token: string;
}

interface TokenRow {
  id: number;
  catalog: string;
  scope: TokenScope;
  hash: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && (TOKEN_SCOPES as readonly string[]).includes(value);
}

export function assertScope(value: unknown): TokenScope {
  if (!isTokenScope(value)) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `scope must be one of ${TOKEN_SCOPES.join(', ')}, got ${JSON.stringify(value)}`, {
      field: 'scope',
      value: value === undefined ? null : String(value),
    });
  }
  return value;
}

export class TokenStore {
  readonly db: AppDb;

  constructor(db: AppDb) {
    this.db = db;
    ensureSchema(db, TOKENS_DDL);
  }

  issue(catalog: string, scope: TokenScope, label: string | null = null): IssuedToken {
    assertName(catalog, 'catalog');
    assertScope(scope);
    const token = randomBytes(32).toString('base64url');
    const row = this.db
      .prepare('INSERT INTO api_tokens (catalog, scope, hash, label, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(catalog, scope, hashToken(token).toString('hex'), label, new Date().toISOString()) as TokenRow;
    return { ...fromRow(row), token };
  }

  /** The live token with this secret, or undefined. */
  verify(token: string): TokenInfo | undefined {
    if (!isTokenShape(token)) return undefined;
    const digest = hashToken(token);
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL').get(digest.toString('hex')) as TokenRow | undefined;
    if (!row) return undefined;
    const stored = Buffer.from(row.hash, 'hex');
    return stored.length === digest.length && timingSafeEqual(stored, digest) ? fromRow(row) : undefined;
  }

  get(id: number): TokenInfo {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    if (!row) throw new FeedmillError('FEEDMILL_TOKEN_UNKNOWN', `no token with id ${id}; 'feedmill token list' shows them`, { tokenId: id });
    return fromRow(row);
  }

  /** Newest first; revoked ones included (they say when). */
  list(catalog?: string): TokenInfo[] {
    const rows = (
      catalog === undefined
        ? this.db.prepare('SELECT * FROM api_tokens ORDER BY id DESC').all()
        : this.db.prepare('SELECT * FROM api_tokens WHERE catalog = ? ORDER BY id DESC').all(catalog)
    ) as TokenRow[];
    return rows.map(fromRow);
  }

  /** Revokes one token; revoking a revoked token is a no-op that returns it. */
  revoke(id: number): TokenInfo {
    this.get(id);
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id);
    return this.get(id);
  }

  /** Revokes the token with this secret (for `token revoke --token`). */
  revokeSecret(token: string): TokenInfo {
    const found = isTokenShape(token)
      ? (this.db.prepare('SELECT * FROM api_tokens WHERE hash = ?').get(hashToken(token).toString('hex')) as TokenRow | undefined)
      : undefined;
    if (!found) throw new FeedmillError('FEEDMILL_TOKEN_UNKNOWN', 'no token with that value; list them with feedmill token list', {});
    return this.revoke(found.id);
  }

  /** Every token of a removed catalog goes with it. */
  removeCatalog(catalog: string): number {
    return this.db.prepare('DELETE FROM api_tokens WHERE catalog = ?').run(catalog).changes;
  }
}

/** Constant-time equality of two secrets of any length (compares their hashes). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hashToken(a), hashToken(b));
}

function fromRow(row: TokenRow): TokenInfo {
  return { id: row.id, catalog: row.catalog, scope: row.scope, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}
