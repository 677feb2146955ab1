/**
 * `feedmill doctor`: checks from inside the product that this machine fits the deploy profile.
 * It re-implements the relevant checks of deploy/feedmill-tune in TypeScript (src/ never reads
 * deploy/), reading /proc and /sys under an injectable root.
 */
import type { Config } from '../config.js';
import { checkGovernor } from './cpu.js';
import { readCatalogSizes } from './catalogs.js';
import { checkOpenFiles } from './limits.js';
import { checkNodeRelease, checkSqliteRows, currentRuntime, type RuntimeView } from './runtime.js';
import { checkSwappiness } from './memory.js';
import { parseMountInfo } from './mounts.js';
import { checkDataDurable, checkOnRam, locatePlaces } from './places.js';
import { makeReport, type DoctorReport } from './report.js';
import { catalogNeed, type CatalogSize } from './sizing.js';
import { checkSpace } from './space.js';
import { systemView, type Space } from './system.js';

export interface DoctorOptions {
  config: Config;
  /** Where /proc and /sys are read from. @default '/' */
  root?: string;
  /** Free and total bytes of the file system holding an existing path. @default statfs */
  space?: (path: string) => Space;
  /** The catalogs to size for. @default read from the app DB of `config` */
  catalogs?: readonly CatalogSize[];
  /** The Node release, date and better-sqlite3 install checked. @default this process's */
  runtime?: RuntimeView;
}

export function runDoctor(options: DoctorOptions): DoctorReport {
  const sys = systemView(options.root, options.space);
  const mountinfo = sys.read('/proc/self/mountinfo');
  const places = locatePlaces(options.config, mountinfo === undefined ? undefined : parseMountInfo(mountinfo));
  const runtime = options.runtime ?? currentRuntime();
  const needs = (options.catalogs ?? readCatalogSizes(options.config)).map(catalogNeed);
  return makeReport([
    checkOnRam(places.staging),
    checkOnRam(places.parts),
    checkDataDurable(places.data),
    ...checkSpace(Object.values(places), needs, sys),
    checkGovernor(sys),
    checkOpenFiles(sys),
    checkSwappiness(sys),
    checkNodeRelease(runtime),
    checkSqliteRows(runtime),
  ]);
}
