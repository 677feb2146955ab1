#!/usr/bin/env node
// postinstall: on Node < 22, rebuilds better-sqlite3 so that a raw row, and the rows `all()` returns,
// are made as one array in one V8 call instead of one `Set` call per element.
//
// Why: better-sqlite3 12 builds arrays that way only for Node >= 22 (its code for older V8 sets each
// element through the API). A transform worker reads every staged offer as a raw row of 34 values:
// 3.7 µs a row with the upstream build, 2.1 with this one (docs/performance.md), about a tenth of
// what an export spends per offer. The values are the same; only how the array is built changes
// (test/staging/raw-rows.test.ts compares raw rows with the unpatched object rows).
//
// Safe by construction: the sources are patched and built in a temporary copy; the package's own
// binary is replaced only when that build succeeds. When the sources do not read as expected (a new
// better-sqlite3) or no compiler is there, the upstream build stays and a line says so.
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PKG = join(ROOT, 'node_modules', 'better-sqlite3');
const BINARY = join('build', 'Release', 'better_sqlite3.node');
/** Written beside the binary once the patched build is in place; the test reads it. */
export const STAMP = join('build', 'Release', 'feedmill-patch.json');

/** Exact upstream text → replacement, per file. Both live in the Node < 22 branch of each file. */
export const PATCHES = [
  {
    file: 'src/util/data.cpp',
    find: `		v8::Local<v8::Array> row = v8::Array::New(isolate);
		int column_count = sqlite3_column_count(handle);
		for (int i = 0; i < column_count; ++i) {
			row->Set(ctx, i, Data::GetValueJS(isolate, handle, i, safe_ints)).FromJust();
		}
		return row;`,
    replace: `		// feedmill: one Array::New of all values (what the Node >= 22 branch does with LocalVector).
		int column_count = sqlite3_column_count(handle);
		std::vector<v8::Local<v8::Value>> row;
		row.reserve(column_count);
		for (int i = 0; i < column_count; ++i) {
			row.push_back(Data::GetValueJS(isolate, handle, i, safe_ints));
		}
		return v8::Array::New(isolate, row.data(), row.size());`,
  },
  {
    file: 'src/objects/statement.cpp',
    find: `	bool js_error = false;
	uint32_t row_count = 0;
	v8::Local<v8::Array> result = v8::Array::New(isolate, 0);

	while (sqlite3_step(handle) == SQLITE_ROW) {
		if (row_count == 0xffffffff) { ThrowRangeError("Array overflow (too many rows returned)"); js_error = true; break; }
		result->Set(ctx, row_count++, Data::GetRowJS(isolate, ctx, handle, safe_ints, mode)).FromJust();
	}

	if (sqlite3_reset(handle) == SQLITE_OK && !js_error) {
		STATEMENT_RETURN(result);
	}`,
    replace: `	// feedmill: the rows gathered, then one Array::New (what the Node >= 22 branch does).
	bool js_error = false;
	std::vector<v8::Local<v8::Value>> rows;

	while (sqlite3_step(handle) == SQLITE_ROW) {
		if (rows.size() == 0xffffffff) { ThrowRangeError("Array overflow (too many rows returned)"); js_error = true; break; }
		rows.push_back(Data::GetRowJS(isolate, ctx, handle, safe_ints, mode));
	}

	if (sqlite3_reset(handle) == SQLITE_OK && !js_error) {
		STATEMENT_RETURN(v8::Array::New(isolate, rows.data(), rows.size()));
	}`,
  },
];

/** Identifies this patch against this better-sqlite3 version: a new one of either means a new build. */
export function patchId(version) {
  const h = createHash('sha256');
  h.update(version);
  for (const p of PATCHES) h.update(`\0${p.file}\0${p.find}\0${p.replace}`);
  return h.digest('hex').slice(0, 16);
}

/** npm hands its own node-gyp to install scripts; run by hand, the one npm ships beside node. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm !== undefined && fromNpm !== '') return [process.execPath, fromNpm];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(bundled) ? [process.execPath, bundled] : ['node-gyp'];
}

/**
 * Under npm, node-gyp takes the headers from npm's `nodedir` setting. Run by hand, it would download
 * them: use the ones installed with this node, when they are there (a machine without network).
 */
function nodeDir() {
  if (process.env.npm_config_nodedir !== undefined) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? [`--nodedir=${prefix}`] : [];
}

function say(line) {
  process.stdout.write(`feedmill postinstall: ${line}\n`);
}

function main() {
  if (Number(process.versions.modules) >= 127) return; // Node 22+: upstream builds arrays this way
  if (!existsSync(join(PKG, 'src'))) return say('better-sqlite3 has no sources here; its build is kept');
  const version = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version;
  const id = patchId(version);
  const stampPath = join(PKG, STAMP);
  if (existsSync(stampPath) && JSON.parse(readFileSync(stampPath, 'utf8')).id === id && existsSync(join(PKG, BINARY))) return;
  const sources = PATCHES.map((p) => ({ ...p, text: readFileSync(join(PKG, p.file), 'utf8') }));
  const missing = sources.filter((s) => !s.text.includes(s.find));
  if (missing.length > 0) {
    return say(`better-sqlite3 ${version} reads differently in ${missing.map((m) => m.file).join(', ')}; kept as it is (staged rows read ~1.6 µs slower)`);
  }
  const work = mkdtempSync(join(tmpdir(), 'feedmill-better-sqlite3-'));
  try {
    const copy = join(work, 'better-sqlite3');
    cpSync(PKG, copy, { recursive: true, filter: (src) => !src.startsWith(join(PKG, 'build')) && !src.startsWith(join(PKG, 'node_modules')) });
    // A function, so that no `$` pattern of a replacement string is ever interpreted.
    for (const s of sources) writeFileSync(join(copy, s.file), s.text.replace(s.find, () => s.replace));
    const command = nodeGyp();
    say(`building better-sqlite3 ${version} with raw rows made in one call (about a minute)`);
    const run = spawnSync(command[0], [...command.slice(1), 'rebuild', '--release', ...nodeDir()], { cwd: copy, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== 0 || !existsSync(join(copy, BINARY))) {
      const why = run.error?.message ?? run.stderr.trim().split('\n').slice(-3).join(' | ');
      return say(`the patched build failed (${why}); better-sqlite3 is kept as installed`);
    }
    // Same file system as the package: the rename replaces the binary in one step.
    const staged = join(PKG, `${BINARY}.feedmill-new`);
    cpSync(join(copy, BINARY), staged);
    renameSync(staged, join(PKG, BINARY));
    writeFileSync(stampPath, `${JSON.stringify({ id, version, node: process.version })}\n`);
    say('better-sqlite3 rebuilt');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
