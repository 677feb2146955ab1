/**
 * The deploy files pass the linters CI installs (.ci/run): shellcheck on feedmill-tune and
 * `systemd-analyze verify` on every unit. verify prints problems as warnings and still exits 0, so
 * any output at all is a failure. A tool that is missing skips the test locally and fails it in CI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRIPT, UNITS_DIR, hasCommand } from './fake-box.js';

function need(tool: string): string | false {
  if (hasCommand(tool)) return false;
  assert.ok(!process.env.CI, `${tool} is missing in CI: .ci/run installs it`);
  return `${tool} is not installed`;
}

test('feedmill-tune is shellcheck-clean', { skip: need('shellcheck') }, () => {
  const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', SCRIPT], { encoding: 'utf8' });
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
});

test('the systemd units pass systemd-analyze verify', { skip: need('systemd-analyze') }, () => {
  // verify resolves units and ExecStart binaries inside --root: give it the system's own units
  // (targets the ours depend on) and executables at the install paths the units name.
  const root = mkdtempSync(join(tmpdir(), 'feedmill-units-'));
  try {
    cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    for (const exe of ['opt/feedmill/bin/feedmill', 'opt/feedmill/deploy/feedmill-tune']) {
      mkdirSync(join(root, exe, '..'), { recursive: true });
      writeFileSync(join(root, exe), '#!/bin/sh\n');
      chmodSync(join(root, exe), 0o755);
    }
    const etc = join(root, 'etc/systemd/system');
    mkdirSync(etc, { recursive: true });
    const units = readdirSync(UNITS_DIR);
    assert.ok(units.length >= 8, units.join(', '));
    for (const unit of units) copyFileSync(join(UNITS_DIR, unit), join(etc, unit));
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '--man=no', ...units.map((u) => join(etc, u))], { encoding: 'utf8' });
    assert.equal(r.stdout + r.stderr, '');
    assert.equal(r.status, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
