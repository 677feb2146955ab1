/**
 * Where the worker module is and how to start it. From sources (tests, `npm run feedmill`) the worker
 * is a .ts file that Node can load only through tsx; from dist/ it is plain .js and needs nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerFile {
  filename: string;
  execArgv: string[];
}

export function defaultWorkerFile(): WorkerFile {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: fileURLToPath(new URL('./worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** A worker module given by path (tests use fixture workers): .ts ones get tsx. */
export function workerFileAt(path: string): WorkerFile {
  return { filename: path, execArgv: path.endsWith('.ts') ? ['--import', 'tsx'] : [] };
}
