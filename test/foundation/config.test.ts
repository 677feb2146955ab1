import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { FeedmillError } from '../../src/errors.js';

test('defaults resolve against cwd and are frozen', () => {
  const c = loadConfig({}, {}, '/srv/x');
  assert.equal(c.dataDir, '/srv/x/.feedmill');
  assert.equal(Object.isFrozen(c), true);
  assert.ok(c.transformWorkers >= 1);
});

test('environment then overrides, later wins', () => {
  const c = loadConfig({ stagingDir: '/b' }, { FEEDMILL_STAGING_DIR: '/a', FEEDMILL_REJECT_LIMIT: '7' }, '/');
  assert.equal(c.stagingDir, '/b');
  assert.equal(c.rejectLimit, 7);
});

test('a misspelled environment key names the right one', () => {
  assert.throws(
    () => loadConfig({}, { FEEDMILL_STAGNG_DIR: '/x' }),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CONFIG_UNKNOWN_KEY' && e.details.suggestion === 'FEEDMILL_STAGING_DIR',
  );
});

test('a malformed number is a coded error with the key', () => {
  assert.throws(
    () => loadConfig({}, { FEEDMILL_PORT: 'eighty' }),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CONFIG_INVALID' && e.details.key === 'port',
  );
});
