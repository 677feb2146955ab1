/**
 * Every error code of the registry is documented in docs/errors.md, and the doc names no code that
 * does not exist. A regression shows as a new code shipped without telling users what to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../src/errors.js';
import { REJECT_CODES } from '../../src/model.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
// A code is documented by a table row that starts with it; codes named in prose (or config
// variables such as FEEDMILL_DATA_DIR) do not count.
const documented = new Set([...doc.matchAll(/^\| `((?:FEEDMILL|RECORD)_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

test('every error and reject code is documented', () => {
  const missing = [...Object.keys(ERROR_CODES), ...Object.keys(REJECT_CODES)].filter((c) => !documented.has(c));
  assert.deepEqual(missing, []);
});

test('the doc documents no code that does not exist', () => {
  const known = new Set([...Object.keys(ERROR_CODES), ...Object.keys(REJECT_CODES)]);
  assert.deepEqual([...documented].filter((c) => !known.has(c as string)), []);
});
