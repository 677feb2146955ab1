/**
 * Where a worker thread's module is and how to start it. From sources (tests, `npm run feedmill`) the
 * module is a .ts file that Node can load only through tsx; from dist/ it is plain .js and needs
 * nothing. Used by every thread pool: transform workers, the staging writer, parallel load shards.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * Limits every feedmill worker thread starts with (part of every WorkerFile, so no pool can miss
 * them). V8 sizes a thread's young generation from the machine's memory, and newer releases size it
 * larger: a busy worker's new space grows to 32 MiB on Node 20 and to 128 MiB on Node 24, where a
 * 1 M-offer Google export peaked at 436-517 MB of RSS instead of ~280 (docs/performance.md). 48 MiB
 * is what Node 20 gives a thread by default (V8 counts three times its 16 MiB semi-space): the same
 * footprint on every runtime, and the same speed.
 */
export const WORKER_RESOURCE_LIMITS: Readonly<ResourceLimits> = Object.freeze({ maxYoungGenerationSizeMb: 48 });

export interface WorkerFile {
  filename: string;
  execArgv: string[];
  resourceLimits: Readonly<ResourceLimits>;
}

/** The module `name` (without extension) beside the module at `baseUrl` (its import.meta.url). */
export function siblingWorkerFile(baseUrl: string, name: string): WorkerFile {
  const js = fileURLToPath(new URL(`./${name}.js`, baseUrl));
  if (existsSync(js)) return { filename: js, execArgv: [], resourceLimits: WORKER_RESOURCE_LIMITS };
  return workerFileAt(fileURLToPath(new URL(`./${name}.ts`, baseUrl)));
}

/** A worker module given by path (tests use fixture workers): .ts ones get tsx. */
export function workerFileAt(path: string): WorkerFile {
  return { filename: path, execArgv: path.endsWith('.ts') ? ['--import', tsxLoader()] : [], resourceLimits: WORKER_RESOURCE_LIMITS };
}

/**
 * tsx's loader as an absolute URL: a bare `--import tsx` is resolved from the process's working
 * directory, which fails when feedmill runs from anywhere but the repository.
 */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}
