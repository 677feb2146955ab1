import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PartFile, PublishInput } from '../../../src/emit/publish/index.js';

export function tempDir(t: { after(fn: () => void): void }, prefix = 'feedmill-publish-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `count` parts of `perPart` items each; item text is `<i>k</i>\n`, k from `start`. */
export function makeParts(dir: string, opts: { count: number; perPart: number; gzip: boolean; tag?: string; start?: number }): { parts: PartFile[]; text: string } {
  const parts: PartFile[] = [];
  let text = '';
  let k = opts.start ?? 0;
  for (let p = 0; p < opts.count; p++) {
    let body = '';
    for (let i = 0; i < opts.perPart; i++) body += `<i>${opts.tag ?? 'x'}${k++}</i>\n`;
    text += body;
    const raw = Buffer.from(body);
    const data = opts.gzip ? gzipSync(raw) : raw;
    const path = join(dir, `part-${opts.tag ?? 'x'}-${p}${opts.gzip ? '.gz' : ''}`);
    writeFileSync(path, data);
    parts.push({ path, items: opts.perPart, bytes: data.length, rawBytes: raw.length });
  }
  return { parts, text };
}

export function baseInput(dir: string, parts: PartFile[], over: Partial<PublishInput> = {}): PublishInput {
  return {
    dir,
    catalog: 'acme',
    channel: 'demo',
    fileName: 'demo.xml',
    gzip: false,
    header: '<feed>\n',
    footer: '</feed>\n',
    parts,
    excluded: 0,
    catalogVersion: 1,
    rulesHash: null,
    generatedAt: '2024-01-01T00:00:00.000Z',
    gate: { maxDrop: 0.5 },
    keepVersions: 2,
    ...over,
  };
}
