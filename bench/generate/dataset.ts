/**
 * Cached benchmark data sets: generated once per (shape, format, container, offers, seed,
 * generator version) into the bench data dir and reused while the file and its sidecar agree.
 * Generation writes `<file>.partial` and renames, so an interrupted run never leaves a file that
 * looks complete.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCatalog, GENERATOR_VERSION, type GenerateResult } from './generate.js';
import type { Container, Format, Shape } from './options.js';

export interface DatasetKey {
  shape: Shape;
  format: Format;
  container: Container;
}

const EXT: Record<Container, string> = { plain: '', gzip: '.gz', zip: '.zip' };

export function datasetName(key: DatasetKey): string {
  return `${key.shape}-${key.format}-${key.container}`;
}

export function datasetFile(dataDir: string, key: DatasetKey, offers: number, seed: string): string {
  const seedPart = /^[A-Za-z0-9_-]{1,32}$/.test(seed) ? seed : createHash('sha256').update(seed).digest('hex').slice(0, 16);
  return join(dataDir, `${key.shape}-${offers}-s${seedPart}.${key.format}${EXT[key.container]}`);
}

interface Sidecar {
  generatorVersion: number;
  result: GenerateResult;
}

/** The data set, generated now if absent or stale. `generated` tells which. */
export async function ensureDataset(
  dataDir: string,
  key: DatasetKey,
  offers: number,
  seed: string,
): Promise<{ result: GenerateResult; generated: boolean; seconds: number }> {
  const path = datasetFile(dataDir, key, offers, seed);
  const sidecarPath = `${path}.json`;
  try {
    const sidecar = JSON.parse(await readFile(sidecarPath, 'utf8')) as Sidecar;
    const { size } = await stat(path);
    if (sidecar.generatorVersion === GENERATOR_VERSION && sidecar.result.bytes === size && sidecar.result.offers === offers) {
      return { result: { ...sidecar.result, path }, generated: false, seconds: 0 };
    }
  } catch {
    // Absent or unreadable: generate below.
  }
  await mkdir(dataDir, { recursive: true });
  const t0 = process.hrtime.bigint();
  const result = await generateCatalog({ ...key, offers, seed, out: path });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const tmp = `${sidecarPath}.partial`;
  await writeFile(tmp, `${JSON.stringify({ generatorVersion: GENERATOR_VERSION, result } satisfies Sidecar)}\n`);
  await rename(tmp, sidecarPath);
  return { result, generated: true, seconds };
}
