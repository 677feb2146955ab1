// Every XML channel's sample feed (the golden item list, with its hostile text) must pass
// `xmllint --noout`: libxml2 is stricter than sax and is what most marketplaces parse with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileChannel, listChannels } from '../../../src/transform/index.js';
import { GOLDEN_ITEMS } from './items.js';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const CTX = { catalog: 'acme & co <fr>', generatedAt: '2026-11-25T10:00:00.000Z', title: '"Acme" & Co', link: 'https://shop.example/?a=1&b=2' };

for (const def of listChannels().filter((d) => d.format === 'xml')) {
  test(`xmllint accepts the ${def.name} sample feed`, { skip: hasXmllint ? false : 'xmllint not installed (apt-get install libxml2-utils; CI installs it)' }, () => {
    const c = compileChannel(def);
    let feed = c.header(CTX);
    let items = 0;
    for (const item of GOLDEN_ITEMS) {
      const r = c.render(item);
      if (r.ok) {
        feed += r.text;
        items++;
      }
    }
    feed += c.footer(CTX);
    assert.ok(items > 0);
    const dir = mkdtempSync(join(tmpdir(), 'feedmill-xmllint-'));
    try {
      const file = join(dir, c.fileName);
      writeFileSync(file, feed);
      const r = spawnSync('xmllint', ['--noout', '--nonet', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
