/**
 * Catalog, token, fetch-log and feed-listing endpoints. Creating a catalog needs the server admin
 * token; everything about one catalog needs an admin token of that catalog (or the server's);
 * the fetch log and feed list are also open to the catalog's upload token (the merchant).
 */
import { FeedmillError } from '../errors.js';
import type { Catalog } from '../catalogs/index.js';
import type { FeedManifest } from '../emit/publish/index.js';
import { intParam } from './api-tasks.js';
import { headerSecret, requireAuth, requireCatalog, requireRoot } from './auth.js';
import { addCatalog, describeCatalog, removeCatalog, updateCatalog, type AdminDeps } from './catalog-admin.js';
import type { ServerContext } from './context.js';
import { isCatalogName, isFeedFileName, parseTokenId } from './ids.js';
import { optionalString, optionalStringList, optionalStringMap, readJsonBody } from './json-body.js';
import { sendJson } from './respond.js';
import type { RouteContext, Router } from './router.js';
import { assertScope } from './tokens.js';

export function catalogJson(c: Catalog) {
  return {
    name: c.name,
    profile: c.profile,
    channels: c.channels,
    currency: c.currency,
    profileOptions: c.profileOptions,
    hasRules: c.rulesPath !== null,
    currentVersion: c.currentVersion,
    createdAt: c.createdAt,
  };
}

export function registerCatalogRoutes(ctx: ServerContext, router: Router, deps: AdminDeps): void {
  const v = { catalog: isCatalogName };
  const principalOf = (r: RouteContext) => ctx.auth.authenticate(headerSecret(r.req));

  router.add(['GET', 'HEAD'], '/api/v1/catalogs', {}, (r) => {
    const p = requireAuth(principalOf(r));
    const all = ctx.catalogs.list();
    const visible = p.kind === 'root' ? all : all.filter((c) => c.name === p.token.catalog);
    sendJson(r.res, 200, { catalogs: visible.map(catalogJson) });
  });

  router.add('POST', '/api/v1/catalogs', {}, async (r) => {
    requireRoot(principalOf(r));
    const body = await readJsonBody(r.req);
    const name = optionalString(body, 'name');
    const profile = optionalString(body, 'profile') ?? 'auto';
    if (name === undefined) throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', 'name is required', { field: 'name' });
    const catalog = await addCatalog(deps, {
      name,
      profile,
      channels: optionalStringList(body, 'channels'),
      currency: optionalString(body, 'currency'),
      rulesText: optionalString(body, 'rules'),
      profileOptions: optionalStringMap(body, 'profileOptions'),
    });
    ctx.log.info('catalog added', { catalog: name });
    sendJson(r.res, 201, { catalog: catalogJson(catalog) }, { Location: `/api/v1/catalogs/${name}` });
  });

  router.add(['GET', 'HEAD'], '/api/v1/catalogs/:catalog', v, async (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    const d = await describeCatalog(deps, name, ctx.feeds);
    sendJson(r.res, 200, {
      catalog: catalogJson(d.catalog),
      versions: d.versions.map(({ stagingPath: _s, sourcePath: _p, ...rest }) => rest),
      feeds: d.feeds.map((m) => feedJson(name, m)),
      tokens: d.tokens,
    });
  });

  router.add('PATCH', '/api/v1/catalogs/:catalog', v, async (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    const body = await readJsonBody(r.req);
    const catalog = await updateCatalog(deps, name, {
      profile: optionalString(body, 'profile'),
      channels: optionalStringList(body, 'channels'),
      currency: optionalString(body, 'currency'),
      rulesText: optionalString(body, 'rules'),
      profileOptions: optionalStringMap(body, 'profileOptions'),
    });
    sendJson(r.res, 200, { catalog: catalogJson(catalog) });
  });

  router.add('DELETE', '/api/v1/catalogs/:catalog', v, async (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    await removeCatalog(deps, name, ctx.store);
    ctx.log.info('catalog removed', { catalog: name });
    r.res.writeHead(204).end();
  });

  router.add(['GET', 'HEAD'], '/api/v1/catalogs/:catalog/tokens', v, (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    ctx.catalogs.get(name);
    sendJson(r.res, 200, { tokens: ctx.tokens.list(name) });
  });

  router.add('POST', '/api/v1/catalogs/:catalog/tokens', v, async (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    ctx.catalogs.get(name);
    const body = await readJsonBody(r.req);
    const issued = ctx.tokens.issue(name, assertScope(body.scope), optionalString(body, 'label') ?? null);
    ctx.log.info('token issued', { catalog: name, scope: issued.scope, tokenId: issued.id });
    sendJson(r.res, 201, { token: issued });
  });

  router.add('DELETE', '/api/v1/catalogs/:catalog/tokens/:id', { ...v, id: (s) => parseTokenId(s) !== undefined }, (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'admin');
    const id = Number(r.params.id);
    const info = ctx.tokens.get(id);
    if (info.catalog !== name) throw new FeedmillError('FEEDMILL_TOKEN_UNKNOWN', `catalog ${name} has no token ${id}`, { tokenId: id });
    sendJson(r.res, 200, { token: ctx.tokens.revoke(id) });
  });

  router.add(['GET', 'HEAD'], '/api/v1/catalogs/:catalog/fetches', v, (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'upload');
    const channel = r.query.get('channel') ?? undefined;
    if (channel !== undefined && !isCatalogName(channel)) {
      throw new FeedmillError('FEEDMILL_NAME_INVALID', 'channel is not a valid channel name', { field: 'channel' });
    }
    const fetches = ctx.fetchLog.list({
      catalog: name,
      channel,
      beforeId: intParam(r.query.get('before'), 'before', 1, Number.MAX_SAFE_INTEGER),
      limit: intParam(r.query.get('limit'), 'limit', 1, 1000),
    });
    sendJson(r.res, 200, { fetches: fetches.map((f) => ({ ...f, at: new Date(f.at).toISOString() })) });
  });

  router.add(['GET', 'HEAD'], '/api/v1/catalogs/:catalog/feeds', v, async (r) => {
    const name = r.params.catalog as string;
    requireCatalog(principalOf(r), name, 'upload');
    ctx.catalogs.get(name);
    sendJson(r.res, 200, { feeds: (await ctx.feeds.manifests(name)).map((m) => feedJson(name, m)) });
  });
}

function feedJson(catalog: string, m: FeedManifest) {
  return {
    channel: m.channel,
    sequence: m.sequence,
    catalogVersion: m.catalogVersion,
    items: m.items,
    excluded: m.excluded,
    bytes: m.bytes,
    sha256: m.sha256,
    gzip: m.gzip,
    generatedAt: m.generatedAt,
    files: m.files.map((f) => ({
      fileName: f.fileName,
      bytes: f.bytes,
      sha256: f.sha256,
      // The feed token goes where the placeholder is; tokens are never stored in clear to be shown here.
      url: isFeedFileName(f.fileName) ? `/feeds/${catalog}/{feed-token}/${f.fileName}` : null,
    })),
  };
}
