import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRECT_BUFFER_BYTES, DirectAppender } from '../../../src/emit/publish/direct-appender.js';
import { tempDir } from './helpers.js';

/** A deterministic mix of small writes and whole files, crossing buffer boundaries at odd offsets. */
async function appendMix(out: DirectAppender, dir: string): Promise<Buffer> {
  const expected: Buffer[] = [];
  const sizes = [7, 4096, 1, DIRECT_BUFFER_BYTES - 3, 513, DIRECT_BUFFER_BYTES * 2 + 11, 0, 65_537, 12_345];
  for (const [i, size] of sizes.entries()) {
    const data = randomBytes(size);
    expected.push(data);
    if (i % 2 === 0) {
      await out.write(data);
    } else {
      const part = join(dir, `part-${i}`);
      writeFileSync(part, data);
      const seen = createHash('sha256');
      const n = await out.appendFile(part, (chunk) => seen.update(chunk));
      assert.equal(n, size);
      assert.equal(seen.digest('hex'), createHash('sha256').update(data).digest('hex'), 'onChunk sees exactly the file, in order');
    }
  }
  return Buffer.concat(expected);
}

for (const direct of [true, false]) {
  test(`direct appender (${direct ? 'O_DIRECT where available' : 'buffered'}): the file is the bytes appended, at their exact size`, async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'feed');
    const out = await DirectAppender.create(path, { direct });
    if (!direct) assert.equal(out.direct, false);
    const expected = await appendMix(out, dir);
    assert.equal(out.bytes, expected.length);
    await out.sync();
    await out.close();
    assert.equal(statSync(path).size, expected.length);
    assert.ok(readFileSync(path).equals(expected));
  });
}

test('direct appender: a write the file system refuses (EINVAL) falls back to ordinary writes, same file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'feed');
  // Padding the tail to 100 bytes is a length no device accepts for a direct write.
  const out = await DirectAppender.create(path, { tailAlignment: 100 });
  const directAtStart = out.direct;
  const expected = await appendMix(out, dir);
  await out.sync();
  await out.close();
  if (directAtStart) assert.equal(out.direct, false, 'the refused tail switched the file to ordinary writes');
  assert.ok(readFileSync(path).equals(expected));
});

test('direct appender: creating over an existing file fails (wx), the file is left alone', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'feed');
  writeFileSync(path, 'kept');
  await assert.rejects(DirectAppender.create(path), { code: 'EEXIST' });
  assert.equal(readFileSync(path, 'utf8'), 'kept');
});
