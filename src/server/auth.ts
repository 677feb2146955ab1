/**
 * Who is asking, and may they. A principal is the root admin (FEEDMILL_ADMIN_TOKEN) or one issued
 * token. A token opens only its own catalog; its `admin` scope includes `upload` and `feed` for that
 * catalog. Failures: no or unknown token → 401; a valid token of another catalog or scope → 403.
 */
import type { IncomingMessage } from 'node:http';
import { FeedmillError } from '../errors.js';
import { secretsEqual, type TokenInfo, type TokenScope, type TokenStore } from './tokens.js';

export type Principal = { kind: 'root' } | { kind: 'token'; token: TokenInfo };

/** The secret from `Authorization: Bearer …`, or the password of `Authorization: Basic …`. */
export function headerSecret(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const space = h.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = h.slice(0, space).toLowerCase();
  const value = h.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Fetchers put the token as the password (user: anything, e.g. the catalog) or alone as the user.
    return colon < 0 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
  }
  return undefined;
}

export interface Authenticator {
  authenticate(secret: string | undefined): Principal | undefined;
}

export function createAuthenticator(tokens: TokenStore, adminToken: string | undefined): Authenticator {
  return {
    authenticate(secret) {
      if (secret === undefined || secret === '') return undefined;
      if (adminToken !== undefined && adminToken !== '' && secretsEqual(secret, adminToken)) return { kind: 'root' };
      const token = tokens.verify(secret);
      return token && { kind: 'token', token };
    },
  };
}

export function allows(principal: Principal, catalog: string, scope: TokenScope): boolean {
  if (principal.kind === 'root') return true;
  const t = principal.token;
  return t.catalog === catalog && (t.scope === scope || t.scope === 'admin');
}

/** The principal, or 401. */
export function requireAuth(principal: Principal | undefined): Principal {
  if (!principal) {
    throw new FeedmillError('FEEDMILL_HTTP_UNAUTHORIZED', 'a valid token is required: send Authorization: Bearer <token>', {});
  }
  return principal;
}

/** 401 without a valid token, 403 when the token does not open `catalog` with `scope`. */
export function requireCatalog(principal: Principal | undefined, catalog: string, scope: TokenScope): Principal {
  const p = requireAuth(principal);
  if (!allows(p, catalog, scope)) {
    throw new FeedmillError('FEEDMILL_HTTP_FORBIDDEN', `this token does not give ${scope} access to catalog ${catalog}`, { catalog, scope });
  }
  return p;
}

/** Catalog creation and cross-catalog listings need the root admin token. */
export function requireRoot(principal: Principal | undefined): void {
  const p = requireAuth(principal);
  if (p.kind !== 'root') {
    throw new FeedmillError('FEEDMILL_HTTP_FORBIDDEN', 'this needs the server admin token (FEEDMILL_ADMIN_TOKEN)', {});
  }
}
