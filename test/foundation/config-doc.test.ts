/**
 * Every environment variable feedmill reads is documented in docs/configuration.md, and the doc
 * names none that does not exist: a new setting cannot ship without telling operators about it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_ENV_NAMES } from '../../src/config.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\| `(FEEDMILL_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string);

test('every configuration variable is documented, and only those', () => {
  assert.deepEqual([...documented].sort(), [...CONFIG_ENV_NAMES].sort());
});
