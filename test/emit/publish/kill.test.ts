// Regression guard: a publisher killed with SIGKILL at any point must never leave a half-written feed
// under the public name. A regression shows as a truncated or mixed demo.xml after the kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishFeed, readManifest, manifestPath, type PublishStep } from '../../../src/emit/publish/index.js';
import { baseInput, makeParts, tempDir } from './helpers.js';

const child = fileURLToPath(new URL('./fixtures/publish-child.ts', import.meta.url));

function runUntil(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('STOPPED')) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && out.includes('STOPPED')) resolve(out.trim());
      else reject(new Error(`child ended with ${code ?? signal} before stopping: ${out} ${err}`));
    });
  });
}

const cases: { step: PublishStep; piece?: number; visible: 'old' | 'new' }[] = [
  { step: 'checked', visible: 'old' },
  { step: 'piece-copied', piece: 1, visible: 'old' },
  { step: 'file-written', visible: 'old' },
  { step: 'fenced', visible: 'old' },
  { step: 'file-renamed', visible: 'new' },
  { step: 'manifest-written', visible: 'new' },
];

test('a publisher killed at any step leaves the whole old or the whole new feed', async (t) => {
  const dir = tempDir(t, 'feedmill-kill-');
  const oldParts = makeParts(dir, { count: 3, perPart: 50, gzip: false, tag: 'old' });
  const newParts = makeParts(dir, { count: 3, perPart: 50, gzip: false, tag: 'new' });
  const oldText = `<feed>\n${oldParts.text}</feed>\n`;
  const newText = `<feed>\n${newParts.text}</feed>\n`;
  for (const c of cases) {
    const feeds = join(dir, `feeds-${c.step}`);
    await publishFeed(baseInput(feeds, oldParts.parts));
    const out = await runUntil([feeds, JSON.stringify(newParts.parts), c.step, String(c.piece ?? '')]);
    assert.equal(out, `STOPPED ${c.step}`);
    assert.equal(readFileSync(join(feeds, 'demo.xml'), 'utf8'), c.visible === 'old' ? oldText : newText, `killed at ${c.step}`);
    // The next publish removes the dead publisher's temp file and goes on from the right sequence.
    const again = await publishFeed(baseInput(feeds, newParts.parts));
    assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), [], `temp left after kill at ${c.step}`);
    assert.equal(readFileSync(join(feeds, 'demo.xml'), 'utf8'), newText);
    assert.equal((await readManifest(manifestPath(feeds, 'demo')))?.sequence, again.manifest.sequence);
    assert.ok(again.manifest.sequence >= 2);
  }
});
