/** Test environment: a private data dir and staging dir per test, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { openAppDb, type AppDb } from '../../src/db/index.js';

export interface TestEnv {
  dir: string;
  config: Config;
  db: AppDb;
  path(name: string): string;
  cleanup(): void;
}

export function testEnv(overrides: Parameters<typeof loadConfig>[0] = {}): TestEnv {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-test-'));
  const config = loadConfig({ dataDir: join(dir, 'data'), stagingDir: join(dir, 'staging'), logLevel: 'silent', ...overrides }, {});
  const db = openAppDb(config);
  return {
    dir,
    config,
    db,
    path: (name) => join(dir, name),
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
