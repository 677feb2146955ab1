/** `feedmill token issue|list|revoke`: API and feed tokens (the secret is printed once, stored hashed). */
import { openAppDb } from '../../db/index.js';
import { CatalogRegistry } from '../../catalogs/index.js';
import { FeedmillError } from '../../errors.js';
import { TokenStore, assertScope } from '../../server/index.js';
import { print, printJson, type Command } from '../command.js';

const usage = [
  'feedmill token issue <catalog> --scope upload|feed|admin [--label TEXT] [--json]',
  '       feedmill token list [<catalog>] [--json]',
  '       feedmill token revoke <id> [--json]',
].join('\n');

export const tokenCommand: Command = {
  name: 'token',
  summary: 'issue, list or revoke upload, feed and admin tokens of a catalog',
  usage,
  options: { scope: { type: 'string' }, label: { type: 'string' } },
  async run(ctx) {
    const [action, arg, ...extra] = ctx.positionals;
    if (extra.length > 0) throw new FeedmillError('FEEDMILL_CLI_USAGE', `too many arguments\nusage: ${usage}`, {});
    const db = openAppDb(ctx.config);
    try {
      const tokens = new TokenStore(db);
      switch (action) {
        case 'issue': {
          if (arg === undefined) throw new FeedmillError('FEEDMILL_CLI_USAGE', `name the catalog\nusage: ${usage}`, {});
          new CatalogRegistry(db).get(arg);
          let scope;
          try {
            scope = assertScope(ctx.values.scope);
          } catch (err) {
            throw new FeedmillError('FEEDMILL_CLI_USAGE', `--scope must be upload, feed or admin\nusage: ${usage}`, { flag: '--scope' }, { cause: err });
          }
          const issued = tokens.issue(arg, scope, typeof ctx.values.label === 'string' ? ctx.values.label : null);
          if (ctx.json) printJson(ctx, { token: issued });
          else {
            print(ctx, issued.token);
            ctx.io.stderr.write(`token ${issued.id} (${issued.scope} on ${issued.catalog}) issued; it is shown only this once\n`);
          }
          return 0;
        }
        case 'list': {
          const list = tokens.list(arg);
          if (ctx.json) printJson(ctx, { tokens: list });
          else for (const t of list) print(ctx, `${t.id}\t${t.catalog}\t${t.scope}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}\t${t.label ?? ''}`);
          return 0;
        }
        case 'revoke': {
          if (arg === undefined || !/^[1-9][0-9]*$/.test(arg)) throw new FeedmillError('FEEDMILL_CLI_USAGE', `give the token id ('feedmill token list' shows them)\nusage: ${usage}`, {});
          const revoked = tokens.revoke(Number(arg));
          if (ctx.json) printJson(ctx, { token: revoked });
          else print(ctx, `token ${revoked.id} (${revoked.scope} on ${revoked.catalog}) revoked`);
          return 0;
        }
        default:
          throw new FeedmillError('FEEDMILL_CLI_USAGE', `token takes issue, list or revoke\nusage: ${usage}`, { action: action ?? null });
      }
    } finally {
      db.close();
    }
  },
};
