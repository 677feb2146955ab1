/**
 * 1,000 concurrent conditional GETs while the feed is republished again and again: every answer is
 * one version whole (its body hash is the old or the new version's) and its ETag names exactly the
 * bytes sent. Regression shape: a pull that pairs the new file with the old manifest gets an ETag
 * that does not match its body, or a body that is a mix of both files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { createHash } from 'node:crypto';
import { TokenStore } from '../../src/server/index.js';
import { addCatalog, call, feedText, publishText, startTestServer } from './helpers.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const version = (tag: string) => Array.from({ length: 1000 }, (_, i) => `<item><id>${tag}-${i}</id><title>${tag} item ${i}</title></item>\n`).join('');

for (const keepVersions of [2, 0]) {
  test(`1,000 conditional GETs during republishing get the old or the new version whole (keepVersions=${keepVersions})`, async (t) => {
    const ts = await startTestServer(t);
    addCatalog(ts.env, 'acme');
    const token = new TokenStore(ts.env.db).issue('acme', 'feed').token;
    const texts = { a: version('a'), b: version('b') };
    const a = await publishText(ts.env, 'acme', 'google-shopping', texts.a, { gzip: true, keepVersions });
    const b = await publishText(ts.env, 'acme', 'google-shopping', texts.b, { gzip: true, keepVersions });
    const gzShas = new Set([a.manifest.sha256, b.manifest.sha256]);
    const plainShas = new Set([sha(feedText(texts.a)), sha(feedText(texts.b))]);
    assert.equal(gzShas.size, 2);

    let publishing = true;
    let publishes = 0;
    const publisher = (async () => {
      while (publishing) {
        await publishText(ts.env, 'acme', 'google-shopping', publishes % 2 === 0 ? texts.a : texts.b, { gzip: true, keepVersions });
        publishes++;
      }
    })();

    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    t.after(() => agent.destroy());
    const total = 1000;
    let next = 0;
    const counts = { 200: 0, 304: 0, identity: 0 };
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const etags = [`"${a.manifest.sha256}"`, `"${b.manifest.sha256}"`];
        if (i % 10 === 9) {
          // The plain URL, decompressed on the fly: the text of one version whole.
          const r = await call(ts.url, `/feeds/acme/${token}/google-shopping.xml`, { agent });
          assert.equal(r.status, 200);
          assert.ok(plainShas.has(sha(r.body)), `request ${i}: a decompressed body that is neither version`);
          assert.equal(r.headers.etag, `"${sha(r.body) === sha(feedText(texts.a)) ? a.manifest.sha256 : b.manifest.sha256}-identity"`);
          counts.identity++;
          continue;
        }
        const inm = etags[i % 2] as string;
        const r = await call(ts.url, `/feeds/acme/${token}/google-shopping.xml.gz`, { agent, headers: { 'if-none-match': inm } });
        if (r.status === 304) {
          assert.equal(r.headers.etag, inm);
          counts[304]++;
        } else {
          assert.equal(r.status, 200);
          const got = sha(r.body);
          assert.ok(gzShas.has(got), `request ${i}: a body that is neither version`);
          assert.equal(r.headers.etag, `"${got}"`, `request ${i}: the ETag does not name the bytes sent`);
          assert.notEqual(r.headers.etag, inm);
          counts[200]++;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 50 }, worker));
    } finally {
      publishing = false;
      await publisher;
    }
    assert.equal(counts[200] + counts[304] + counts.identity, total);
    assert.ok(publishes > 0);
    // Both answers happened: the ETag a client holds is sometimes current, sometimes not.
    assert.ok(counts[304] > 0 && counts[200] > 0, JSON.stringify({ ...counts, publishes }));
  });
}
