// Golden outputs: a fixed item list rendered by every shipped channel must match the reviewed
// file under test/fixtures/golden/ byte for byte. A diff here means a channel's output changed:
// check it against the channel's spec before regenerating (FEEDMILL_UPDATE_GOLDEN=1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileChannel, listChannels, QualityCounter, type CompiledChannel } from '../../../src/transform/index.js';
import { GOLDEN_ITEMS } from './items.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
const CTX = { catalog: 'acme-fr', generatedAt: '2026-11-25T10:00:00.000Z', title: 'Acme & Co', link: 'https://shop.example/' };

export function renderFeed(c: CompiledChannel): { text: string; counter: QualityCounter } {
  const counter = new QualityCounter();
  let text = c.header(CTX);
  for (const item of GOLDEN_ITEMS) {
    const r = c.render(item);
    counter.add(item.id, r);
    if (r.ok) text += r.text;
  }
  return { text: text + c.footer(CTX), counter };
}

for (const def of listChannels()) {
  test(`golden output: ${def.name}`, () => {
    const c = compileChannel(def);
    const { text, counter } = renderFeed(c);
    const file = `${GOLDEN_DIR}${c.fileName}`;
    const reportFile = `${GOLDEN_DIR}${c.name}.quality.json`;
    const report = `${JSON.stringify(counter.toJSON(), null, 2)}\n`;
    if (process.env.FEEDMILL_UPDATE_GOLDEN === '1') {
      writeFileSync(file, text);
      writeFileSync(reportFile, report);
    }
    assert.equal(text, readFileSync(file, 'utf8'));
    assert.equal(report, readFileSync(reportFile, 'utf8'));
  });
}
