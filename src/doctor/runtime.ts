/**
 * The Node.js release feedmill runs on, and whether its better-sqlite3 build is the one the exports
 * were measured with. Neither changes a result; both change how safe and how fast a box is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CheckResult } from './report.js';

/** feedmill's floor (package.json `engines`). */
export const NODE_FLOOR = 20;
/** The LTS release the doctor points to: CI runs the test suite on it too (.ci/second-node). */
export const RECOMMENDED_NODE = 24;

/**
 * End of life of each LTS line, from the Node.js release schedule. Odd majors are never LTS; an even
 * major newer than this table is taken as supported.
 */
const LTS_END: Readonly<Record<number, string>> = { 18: '2025-04-30', 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

/** First Node ABI (`process.versions.modules`) whose V8 lets better-sqlite3 build a row in one call. */
const ONE_CALL_ROWS_ABI = 127;

export interface RuntimeView {
  /** `process.version`, e.g. v20.20.2. */
  nodeVersion: string;
  /** `process.versions.modules`. */
  abi: number;
  now: Date;
  /** The installed better-sqlite3 package directory, or undefined when it cannot be found. */
  betterSqliteDir: string | undefined;
}

export function currentRuntime(): RuntimeView {
  let betterSqliteDir: string | undefined;
  try {
    betterSqliteDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  } catch {
    betterSqliteDir = undefined;
  }
  return { nodeVersion: process.version, abi: Number(process.versions.modules), now: new Date(), betterSqliteDir };
}

export function checkNodeRelease(rt: RuntimeView): CheckResult {
  const major = Number(/^v?(\d+)\./.exec(rt.nodeVersion)?.[1]);
  const details = { version: rt.nodeVersion, major, recommended: RECOMMENDED_NODE };
  const upgrade = `install Node ${RECOMMENDED_NODE} LTS: exports run 11-22 % faster there; plan ~550 MB for a large tour-operator ingest (docs/deploy.md)`;
  if (!Number.isInteger(major)) return { id: 'node', status: 'skip', summary: `cannot read the Node release from ${rt.nodeVersion}`, details };
  if (major < NODE_FLOOR) {
    return { id: 'node', status: 'fail', summary: `Node ${rt.nodeVersion} is below feedmill's floor, Node ${NODE_FLOOR}`, fix: upgrade, details };
  }
  if (major % 2 === 1) {
    return { id: 'node', status: 'warn', summary: `Node ${rt.nodeVersion} is not a long-term support release`, fix: upgrade, details };
  }
  const end = LTS_END[major];
  if (end === undefined) return { id: 'node', status: 'ok', summary: `Node ${rt.nodeVersion}`, details };
  if (rt.now.toISOString().slice(0, 10) > end) {
    return { id: 'node', status: 'warn', summary: `Node ${rt.nodeVersion}: end of life since ${end}, no more security fixes`, fix: upgrade, details: { ...details, endOfLife: end } };
  }
  return { id: 'node', status: 'ok', summary: `Node ${rt.nodeVersion}, supported until ${end}`, details: { ...details, endOfLife: end } };
}

/**
 * On Node < 22 the install rebuilds better-sqlite3 so that a staged row is read in one call
 * (scripts/patch-better-sqlite3.js, which writes a stamp beside the binary). Without a toolchain the
 * upstream build stays: correct, but a staged offer costs ~1.6 µs more to read.
 */
export function checkSqliteRows(rt: RuntimeView): CheckResult {
  if (rt.abi >= ONE_CALL_ROWS_ABI) return { id: 'sqlite-rows', status: 'ok', summary: 'better-sqlite3 builds each row in one call on this Node', details: { abi: rt.abi } };
  if (rt.betterSqliteDir === undefined) return { id: 'sqlite-rows', status: 'skip', summary: 'better-sqlite3 not found', details: { abi: rt.abi } };
  const version = readVersion(join(rt.betterSqliteDir, 'package.json'));
  const stampPath = join(rt.betterSqliteDir, 'build', 'Release', 'feedmill-patch.json');
  const stamped = existsSync(stampPath) ? readVersion(stampPath) : undefined;
  const details = { abi: rt.abi, version, stamp: stamped };
  if (stamped !== undefined && stamped === version) {
    return { id: 'sqlite-rows', status: 'ok', summary: `better-sqlite3 ${version ?? '?'} rebuilt to read rows in one call`, details };
  }
  return {
    id: 'sqlite-rows',
    status: 'warn',
    summary: `better-sqlite3 ${version ?? '?'} is the upstream build: a staged row takes 3.7 µs to read instead of 2.1 (exports 12-25 % slower)`,
    fix: 'with python3, make and g++ installed, run `npm run postinstall` in the feedmill directory',
    details,
  };
}

function readVersion(path: string): string | undefined {
  try {
    const v = (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
