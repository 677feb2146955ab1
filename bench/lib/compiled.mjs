// Makes a benchmark run the compiled feedmill (dist/, from `npm run build`), as a deployed
// install does (docs/deploy.md), instead of the TypeScript sources through tsx: `node --import tsx
// --import ./bench/lib/compiled.mjs bench/ingest.ts`. The benchmark's own files still load through
// tsx; every module they reach under src/ is swapped for its build under dist/, and worker threads
// then start from dist/ too (src/worker-file.ts picks the .js file beside its caller).
import { register } from 'node:module';

register('./compiled-resolve.mjs', import.meta.url);
