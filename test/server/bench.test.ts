/** bench/server.ts runs end to end at a small size and prints one result line per measurement. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('bench/server.ts prints pull-304, pull-full and upload result lines', () => {
  const script = fileURLToPath(new URL('../../bench/server.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--size', '0.2', '--requests', '60', '--full-requests', '3', '--concurrency', '8'], {
    encoding: 'utf8',
    env: { ...process.env, FEEDMILL_LOG_LEVEL: 'silent' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stage: string; variant: string; requests: number; bytes: number; perSecond: number });
  assert.deepEqual(lines.map((l) => [l.stage, l.variant, l.requests]), [
    ['server', 'pull-304', 60],
    ['server', 'pull-full', 3],
    ['server', 'upload', 1],
  ]);
  assert.equal(lines[2]?.bytes, 200_000);
  assert.ok(lines.every((l) => l.perSecond > 0));
});
