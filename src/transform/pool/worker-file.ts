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
  return workerFileAt(fileURLToPath(new URL('./worker.ts', import.meta.url)));
}

/** A worker module given by path (tests use fixture workers): .ts ones get tsx. */
export function workerFileAt(path: string): WorkerFile {
  return { filename: path, execArgv: path.endsWith('.ts') ? ['--import', tsxLoader()] : [] };
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
