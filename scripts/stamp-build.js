#!/usr/bin/env node
// Marks dist/ as built from the sources as they are now: bin/feedmill runs dist/ only while no file
// under src/ is newer than this stamp. Run by `npm run build` after tsc succeeded.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const stamp = fileURLToPath(new URL('../dist/.build-stamp', import.meta.url));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
