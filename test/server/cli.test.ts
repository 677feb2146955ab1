/** `feedmill catalog`, `feedmill token` in-process, and `feedmill serve` as a real process stopped by SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.js';
import { ADMIN, call } from './helpers.js';

function tempRoot(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-server-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('catalog add|list|show|remove and token issue|list|revoke', async (t) => {
  const root = tempRoot(t);
  const dirs = ['--data-dir', join(root, 'data'), '--staging-dir', join(root, 'staging')];
  const rules = join(root, 'rules.yaml');
  writeFileSync(rules, 'version: 1\n');
  const added = await cli(['catalog', 'add', 'acme', '--profile', 'generic', '--channels', 'google-shopping,idealo', '--rules', rules, '--json', ...dirs]);
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual((JSON.parse(added.stdout) as { catalog: { channels: string[] } }).catalog.channels, ['google-shopping', 'idealo']);
  const dup = await cli(['catalog', 'add', 'acme', '--profile', 'generic', '--json', ...dirs]);
  assert.equal(dup.code, 1);
  assert.equal((JSON.parse(dup.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_CATALOG_EXISTS');
  const badProfile = await cli(['catalog', 'add', 'zeta', '--profile', 'magento3', '--json', ...dirs]);
  assert.equal((JSON.parse(badProfile.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_PROFILE_UNKNOWN');
  assert.equal((await cli(['catalog', 'add', 'zeta', ...dirs])).code, 2);

  const issued = await cli(['token', 'issue', 'acme', '--scope', 'upload', ...dirs]);
  assert.equal(issued.code, 0, issued.stderr);
  const secret = issued.stdout.trim();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.match(issued.stderr, /shown only this once/);
  assert.equal((await cli(['token', 'issue', 'acme', '--scope', 'root', ...dirs])).code, 2);
  assert.equal((await cli(['token', 'issue', 'nosuch', '--scope', 'feed', ...dirs])).code, 1);
  const listed = await cli(['token', 'list', 'acme', '--json', ...dirs]);
  const tokens = (JSON.parse(listed.stdout) as { tokens: { id: number; scope: string }[] }).tokens;
  assert.deepEqual(tokens.map((x) => x.scope), ['upload']);
  assert.ok(!listed.stdout.includes(secret));

  const shown = await cli(['catalog', 'show', 'acme', ...dirs]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /acme: profile generic, channels google-shopping, idealo/);
  assert.match(shown.stdout, /token \d+ upload/);

  const revoked = await cli(['token', 'revoke', String(tokens[0]?.id), '--json', ...dirs]);
  assert.ok((JSON.parse(revoked.stdout) as { token: { revokedAt: string | null } }).token.revokedAt);
  const list = await cli(['catalog', 'list', ...dirs]);
  assert.match(list.stdout, /^acme\tgeneric\tgoogle-shopping,idealo\tversion -$/m);
  const removed = await cli(['catalog', 'remove', 'acme', ...dirs]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal((await cli(['catalog', 'show', 'acme', ...dirs])).code, 1);
  assert.deepEqual(JSON.parse((await cli(['token', 'list', '--json', ...dirs])).stdout), { tokens: [] });
});

test('catalog add and set keep profile options: checked when given, merged by set, removed by k=', async (t) => {
  const root = tempRoot(t);
  const dirs = ['--data-dir', join(root, 'data'), '--staging-dir', join(root, 'staging')];
  const opt = (kv: string) => ['--profile-option', kv];
  const typo = await cli(['catalog', 'add', 'luma', '--profile', 'magento2', ...opt('base-ulr=https://luma.example'), '--json', ...dirs]);
  assert.equal((JSON.parse(typo.stdout) as { error: { code: string; message: string } }).error.code, 'FEEDMILL_PROFILE_OPTION_UNKNOWN');
  const added = await cli(['catalog', 'add', 'luma', '--profile', 'magento2', ...opt('base-url=https://luma.example'), ...dirs]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /profile magento2 \(base-url=https:\/\/luma\.example\)/);
  const set = await cli(['catalog', 'set', 'luma', ...opt('url-suffix=none'), ...opt('store-view=fr'), '--json', ...dirs]);
  assert.equal(set.code, 0, set.stderr);
  const options = (r: { stdout: string }) => (JSON.parse(r.stdout) as { catalog: { profileOptions: Record<string, string> } }).catalog.profileOptions;
  assert.deepEqual(options(set), { 'base-url': 'https://luma.example', 'url-suffix': 'none', 'store-view': 'fr' });
  assert.deepEqual(options(await cli(['catalog', 'set', 'luma', ...opt('store-view='), '--json', ...dirs])), { 'base-url': 'https://luma.example', 'url-suffix': 'none' });
  const wrongProfile = await cli(['catalog', 'set', 'luma', '--profile', 'tour-operator', '--json', ...dirs]);
  assert.equal((JSON.parse(wrongProfile.stdout) as { error: { code: string } }).error.code, 'FEEDMILL_PROFILE_OPTION_UNKNOWN');
  assert.match((await cli(['catalog', 'show', 'luma', ...dirs])).stdout, /luma: profile magento2 \(base-url=https:\/\/luma\.example, url-suffix=none\), channels none/);
});

test('feedmill serve answers on the port it prints and stops cleanly on SIGTERM', async (t) => {
  const root = tempRoot(t);
  const bin = fileURLToPath(new URL('../../bin/feedmill', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--json', '--data-dir', join(root, 'data'), '--staging-dir', join(root, 'staging')], {
    env: { ...process.env, FEEDMILL_FROM_SOURCE: '1', FEEDMILL_ADMIN_TOKEN: ADMIN, FEEDMILL_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const url = (JSON.parse(line) as { serve: { url: string } }).serve.url;
  assert.equal((await call(url, '/healthz')).status, 200);
  const added = await call(url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'acme', profile: 'auto' }) });
  assert.equal(added.status, 201);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
