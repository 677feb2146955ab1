// bin/feedmill runs dist/ only when it was built after the last change to src/: a stale build
// would otherwise run old code silently (an upgrade by `git pull` without `npm run build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A checkout in miniature: the real launcher and node_modules, a CLI that says where it ran from. */
function checkout(t: { after: (fn: () => void) => void }): { root: string; run: (env?: NodeJS.ProcessEnv) => { out: string; err: string } } {
  const root = mkdtempSync(join(tmpdir(), 'feedmill-bin-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repo, 'bin/feedmill'), join(root, 'bin/feedmill'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(root, 'src/cli'), { recursive: true });
  writeFileSync(join(root, 'src/cli/main.ts'), "const from: string = 'source';\nprocess.stdout.write(from);\n");
  const run = (env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [join(root, 'bin/feedmill')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return { out: r.stdout, err: r.stderr };
  };
  return { root, run };
}

function build(root: string, at: Date): void {
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/cli/main.js'), "process.stdout.write('dist');\n");
  writeFileSync(join(root, 'dist/.build-stamp'), `${at.toISOString()}\n`);
  utimesSync(join(root, 'dist/.build-stamp'), at, at);
}

const past = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-02T00:00:00Z');

test('without a build, the sources run, without a warning', (t) => {
  const { run } = checkout(t);
  assert.deepEqual(run(), { out: 'source', err: '' });
});

test('a build newer than every source runs; FEEDMILL_FROM_SOURCE overrides it', (t) => {
  const { root, run } = checkout(t);
  utimesSync(join(root, 'src/cli/main.ts'), past, past);
  build(root, later);
  assert.deepEqual(run(), { out: 'dist', err: '' });
  assert.equal(run({ FEEDMILL_FROM_SOURCE: '1' }).out, 'source');
});

test('a source changed after the build runs from the sources, with a warning naming the fix', (t) => {
  const { root, run } = checkout(t);
  build(root, past);
  mkdirSync(join(root, 'src/ingest'));
  writeFileSync(join(root, 'src/ingest/new.ts'), 'export {};\n');
  utimesSync(join(root, 'src/cli/main.ts'), past, past);
  utimesSync(join(root, 'src/ingest/new.ts'), later, later);
  const r = run();
  assert.equal(r.out, 'source');
  assert.match(r.err, /dist\/ is older than src\/ \(run `npm run build`\)/);
});

test('a build without its stamp (tsc failed, or an older build script) is not trusted', (t) => {
  const { root, run } = checkout(t);
  build(root, later);
  rmSync(join(root, 'dist/.build-stamp'));
  const r = run();
  assert.equal(r.out, 'source');
  assert.match(r.err, /npm run build/);
});

test('an install that ships dist/ without src/ runs dist/', (t) => {
  const { root, run } = checkout(t);
  build(root, later);
  rmSync(join(root, 'src'), { recursive: true });
  assert.deepEqual(run(), { out: 'dist', err: '' });
});
