/**
 * Stage benchmark `generate`: the generator's own throughput for one shape/format/container,
 * written into the harness's work dir. `bytes` is the catalog text produced (before the
 * container), so MB/s compares across containers.
 */
import { join } from 'node:path';
import { parseBenchArgs } from '../lib/bench-args.js';
import { runBenchmark } from '../lib/measure.js';
import { generateCatalog } from './generate.js';
import type { Container, Format, Shape } from './options.js';

const args = parseBenchArgs();
const out = join(args.workDir, `catalog.${args.format}`);
await runBenchmark('generate', `${args.shape}-${args.format}-${args.container}`, async () => {
  const r = await generateCatalog({
    shape: args.shape as Shape,
    format: args.format as Format,
    container: args.container as Container,
    offers: args.offers,
    seed: args.seed,
    out,
  });
  return { offers: r.offers, bytes: r.rawBytes, extra: { fileBytes: r.bytes, products: r.products } };
});
