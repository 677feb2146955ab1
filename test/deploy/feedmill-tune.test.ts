/**
 * deploy/feedmill-tune run for real (bash) against a fake /sys + /proc tree, with a runner that
 * records programs instead of starting them. A regression shows as a changed command list, a write
 * outside the plan, a destructive step without --yes, or a revert that leaves the profile behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIFTED, SCRIPT, UNITS_DIR, commandLines, hasCommand, makeBox, tune, type FakeBox } from './fake-box.js';

const isRoot = process.getuid?.() === 0;
const DEVICES = ['--devices', '/dev/nvme0n1,/dev/nvme1n1'];

function withBox(spec: Parameters<typeof makeBox>[0], fn: (box: FakeBox) => void): void {
  const box = makeBox(spec);
  try {
    fn(box);
  } finally {
    box.cleanup();
  }
}

/** A file as `feedmill-tune render` writes it with the default options. */
function rendered(name: string): string {
  const out = mkdtempSync(join(tmpdir(), 'feedmill-render-'));
  try {
    const r = spawnSync('bash', [SCRIPT, 'render', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(out, name), 'utf8');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function snapshot(box: FakeBox): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else out.push(`${p}=${readFileSync(p, 'utf8')}`);
    }
  };
  walk(box.root);
  return out.sort().join('\n');
}

const APPLY_CALLS = [
  ['blkid', '-p', '-o', 'export', '/dev/nvme0n1'],
  ['blkid', '-p', '-o', 'export', '/dev/nvme1n1'],
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', 'feedmill-tune.service'],
  ['sysctl', '-p', '/etc/sysctl.d/60-feedmill.conf'],
  ['useradd', '--system', '--user-group', '--home-dir', '/srv/feedmill', '--no-create-home', '--shell', '/usr/sbin/nologin', 'feedmill'],
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', '--now', 'srv-feedmill-staging.mount'],
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', '--now', 'srv-feedmill-staging-parts.mount'],
  ['mdadm', '--create', '/dev/md/feedmill', '--name=feedmill', '--level=0', '--chunk=512K', '--raid-devices=2', '--metadata=1.2', '--run', '/dev/nvme0n1', '/dev/nvme1n1'],
  ['mdadm', '--detail', '--brief', '/dev/md/feedmill'],
  ['update-initramfs', '-u'],
  ['mkfs.ext4', '-F', '-L', 'feedmill', '-m', '0', '-E', 'stride=128,stripe_width=256', '/dev/md/feedmill'],
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', '--now', 'srv-feedmill-data.mount'],
  ['chown', 'feedmill:feedmill', '/srv/feedmill/data'],
  ['chmod', '0750', '/srv/feedmill/data'],
  ['systemctl', 'enable', '--now', 'fstrim.timer'],
];

test('plan prints every change with its exact command and changes nothing', () => {
  withBox(DRIFTED, (box) => {
    const before = snapshot(box);
    const r = tune(box, ['plan', ...DEVICES]);
    assert.equal(r.status, 0, r.stderr);
    const cmds = commandLines(r.stdout);
    for (const cpu of ['cpu0', 'cpu1']) {
      assert.ok(cmds.includes(`echo performance > /sys/devices/system/cpu/${cpu}/cpufreq/scaling_governor`));
      assert.ok(cmds.includes(`echo performance > /sys/devices/system/cpu/${cpu}/cpufreq/energy_performance_preference`));
      // C6 (133 µs) passes the 10 µs limit; C1E (10 µs) does not.
      assert.ok(cmds.includes(`echo 1 > /sys/devices/system/cpu/${cpu}/cpuidle/state3/disable`));
      assert.ok(!cmds.includes(`echo 1 > /sys/devices/system/cpu/${cpu}/cpuidle/state2/disable`));
    }
    assert.ok(cmds.includes('sysctl -p /etc/sysctl.d/60-feedmill.conf'));
    assert.ok(cmds.includes('systemctl enable --now srv-feedmill-staging.mount'));
    assert.ok(cmds.includes('mdadm --create /dev/md/feedmill --name=feedmill --level=0 --chunk=512K --raid-devices=2 --metadata=1.2 --run /dev/nvme0n1 /dev/nvme1n1'));
    assert.ok(cmds.includes('mdadm --detail --brief /dev/md/feedmill >> /etc/mdadm/mdadm.conf'));
    assert.ok(cmds.includes('mkfs.ext4 -F -L feedmill -m 0 -E stride=128,stripe_width=256 /dev/md/feedmill'));
    assert.match(r.stdout, /Options=size=50%,mode=0750,uid=feedmill,gid=feedmill/);
    assert.match(r.stdout, /size 50% \(32\.0 GiB of 64\.0 GiB RAM/);
    assert.match(r.stdout, /advice: kernel command line: add 'cpufreq\.default_governor=performance intel_idle\.max_cstate=1'/);
    assert.match(r.stdout, /note: irqbalance is running/);
    // The plan only probed: the runner saw blkid and nothing that changes the box.
    assert.deepEqual(box.calls(), APPLY_CALLS.slice(0, 2));
    assert.equal(snapshot(box), before);
  });
});

test('apply with storage steps refuses without --yes and changes nothing', { skip: !isRoot && 'apply needs root' }, () => {
  withBox(DRIFTED, (box) => {
    const before = snapshot(box);
    const r = tune(box, ['apply', ...DEVICES]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /--yes/);
    assert.equal(snapshot(box), before);
    assert.ok(box.calls().every((c) => c[0] === 'blkid'));
  });
});

test('apply makes exactly the planned changes, saves the originals, and check then reports only what the runner did not do', { skip: !isRoot && 'apply needs root' }, () => {
  withBox(DRIFTED, (box) => {
    const plan = tune(box, ['plan', ...DEVICES]);
    box.clearCalls();
    const r = tune(box, ['apply', ...DEVICES, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(commandLines(r.stdout), commandLines(plan.stdout));
    assert.deepEqual(box.calls(), APPLY_CALLS);

    assert.equal(box.read('/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor'), 'performance\n');
    assert.equal(box.read('/sys/devices/system/cpu/cpu1/cpufreq/energy_performance_preference'), 'performance\n');
    assert.equal(box.read('/sys/devices/system/cpu/cpu1/cpuidle/state3/disable'), '1\n');
    assert.equal(box.read('/sys/devices/system/cpu/cpu1/cpuidle/state2/disable'), '0\n');
    assert.match(box.read('/etc/sysctl.d/60-feedmill.conf'), /^vm\.swappiness = 1$/m);
    assert.match(box.read('/etc/mdadm/mdadm.conf'), /^ARRAY \/dev\/md\/feedmill /m);
    // The installed units are the ones shipped in deploy/systemd (rendered with the defaults).
    for (const unit of ['srv-feedmill-staging.mount', 'srv-feedmill-staging-parts.mount', 'srv-feedmill-data.mount', 'feedmill-tune.service']) {
      assert.equal(box.read(`/etc/systemd/system/${unit}`), readFileSync(join(UNITS_DIR, unit), 'utf8'), unit);
    }
    const saved = box.read('/var/lib/feedmill-tune/saved');
    assert.match(saved, /^governor\.cpu0=powersave$/m);
    assert.match(saved, /^cstate\.cpu1\.state3=0$/m);
    assert.match(saved, /^sysctl\.vm\.dirty_ratio=20$/m);

    // The runner only recorded sysctl, mdadm and the mounts: check sees exactly those as drift.
    const check = tune(box, ['check', '--json', ...DEVICES]);
    assert.equal(check.status, 1);
    const report = JSON.parse(check.stdout) as { ok: boolean; items: { area: string; name: string; status: string }[] };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.items.filter((i) => i.status === 'drift').map((i) => i.name),
      ['vm.swappiness', 'vm.dirty_background_ratio', 'vm.dirty_ratio', 'tmpfs /srv/feedmill/staging', 'tmpfs /srv/feedmill/staging/parts', 'data dir /srv/feedmill/data', 'raid0'],
    );

    // A second apply finds the sysfs knobs and files in place: only what the runner skipped remains.
    box.clearCalls();
    const again = tune(box, ['apply']);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(!/scaling_governor|feedmill-tune\.service/.test(again.stdout));
    assert.match(box.read('/var/lib/feedmill-tune/saved'), /^governor\.cpu0=powersave$/m);
  });
});

test('check passes on a box in the profile and reports drift item by item otherwise', () => {
  const ram = 64 * 1024 * 1024;
  const inProfile = {
    ...DRIFTED,
    governor: 'performance',
    epp: 'performance',
    sysctl: { 'vm.swappiness': '1', 'vm.dirty_background_ratio': '5', 'vm.dirty_ratio': '10' },
    mounts: [
      ...DRIFTED.mounts,
      `tmpfs /srv/feedmill/staging tmpfs rw,nosuid,nodev,noexec,noatime,size=${ram / 2}k,nr_inodes=1048576,mode=750,uid=990,gid=990 0 0`,
      `tmpfs /srv/feedmill/staging/parts tmpfs rw,nosuid,nodev,noexec,noatime,size=${Math.floor((ram * 15) / 100)}k,mode=750,uid=990,gid=990 0 0`,
      '/dev/md127 /srv/feedmill/data ext4 rw,noatime,stripe=256 0 0',
    ],
    mdstat: 'Personalities : [raid0]\nmd127 : active raid0 nvme1n1[1] nvme0n1[0]\n      1000000 blocks super 1.2 512k chunks\n\nunused devices: <none>\n',
    users: ['root', 'feedmill'],
  };
  withBox(inProfile, (box) => {
    for (const c of ['cpu0', 'cpu1']) box.write(`/sys/devices/system/cpu/${c}/cpuidle/state3/disable`, '1\n');
    const units = ['srv-feedmill-staging.mount', 'srv-feedmill-staging-parts.mount', 'srv-feedmill-data.mount', 'feedmill-tune.service'];
    for (const unit of units) box.write(`/etc/systemd/system/${unit}`, readFileSync(join(UNITS_DIR, unit), 'utf8'));
    box.write('/etc/sysctl.d/60-feedmill.conf', rendered('60-feedmill.conf'));
    const r = tune(box, ['check', ...DEVICES]);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /the box matches the profile/);
    const json = JSON.parse(tune(box, ['check', '--json', ...DEVICES]).stdout) as { ok: boolean; drift: number };
    assert.equal(json.ok, true);
    assert.equal(json.drift, 0);
    // And plan agrees: nothing to do.
    assert.match(tune(box, ['plan']).stdout, /nothing to change/);

    // One knob and one mount drift: exactly those two are reported.
    box.write('/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor', 'schedutil\n');
    box.write('/proc/mounts', inProfile.mounts.filter((l) => !l.includes('/staging/parts')).join('\n') + '\n');
    const drift = tune(box, ['check', '--json', ...DEVICES]);
    assert.equal(drift.status, 1);
    const items = (JSON.parse(drift.stdout) as { items: { name: string; status: string; current: string }[] }).items.filter((i) => i.status === 'drift');
    assert.deepEqual(
      items.map((i) => [i.name, i.current]),
      [
        ['governor', 'cpu1=schedutil'],
        ['tmpfs /srv/feedmill/staging/parts', 'not mounted'],
      ],
    );
  });
});

test('check on a VM without cpufreq skips the governor instead of failing', () => {
  withBox({ ...DRIFTED, governor: undefined, cstates: [], sysctl: { 'vm.swappiness': '1', 'vm.dirty_background_ratio': '5', 'vm.dirty_ratio': '10' } }, (box) => {
    const r = tune(box, ['check', '--json', '--only', 'cpu']);
    assert.equal(r.status, 0, r.stdout);
    const report = JSON.parse(r.stdout) as { items: { name: string; status: string }[]; notes: string[] };
    assert.deepEqual(
      report.items.map((i) => [i.name, i.status]),
      [
        ['governor', 'skip'],
        ['cstates', 'skip'],
      ],
    );
    assert.match(tune(box, ['plan', '--only', 'cpu']).stdout, /note: no cpufreq/);
  });
});

test('revert restores the saved values, removes what apply installed and keeps the data volume', { skip: !isRoot && 'apply needs root' }, () => {
  withBox(DRIFTED, (box) => {
    assert.equal(tune(box, ['apply', ...DEVICES, '--yes']).status, 0);
    box.clearCalls();
    const r = tune(box, ['revert']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(box.calls(), [
      ['sysctl', '-w', 'vm.swappiness=60'],
      ['sysctl', '-w', 'vm.dirty_background_ratio=10'],
      ['sysctl', '-w', 'vm.dirty_ratio=20'],
      ['systemctl', 'disable', '--now', 'srv-feedmill-staging-parts.mount'],
      ['systemctl', 'disable', '--now', 'srv-feedmill-staging.mount'],
      ['systemctl', 'disable', '--now', 'feedmill-tune.service'],
      ['systemctl', 'daemon-reload'],
    ]);
    for (const c of ['cpu0', 'cpu1']) {
      assert.equal(box.read(`/sys/devices/system/cpu/${c}/cpufreq/scaling_governor`), 'powersave\n');
      assert.equal(box.read(`/sys/devices/system/cpu/${c}/cpufreq/energy_performance_preference`), 'balance_performance\n');
      assert.equal(box.read(`/sys/devices/system/cpu/${c}/cpuidle/state3/disable`), '0\n');
    }
    assert.equal(box.exists('/etc/sysctl.d/60-feedmill.conf'), false);
    assert.equal(box.exists('/etc/systemd/system/srv-feedmill-staging.mount'), false);
    assert.equal(box.exists('/etc/systemd/system/srv-feedmill-data.mount'), true);
    assert.match(r.stdout, /note: the data volume \/dev\/md\/feedmill stays/);
    assert.equal(box.exists('/var/lib/feedmill-tune/saved'), false);
    // Nothing left to revert.
    assert.equal(tune(box, ['revert']).status, 3);
  });
});

test('revert --dry-run prints the steps and changes nothing', { skip: !isRoot && 'apply needs root' }, () => {
  withBox(DRIFTED, (box) => {
    assert.equal(tune(box, ['apply', '--only', 'cpu']).status, 0);
    box.clearCalls();
    const before = snapshot(box);
    const r = tune(box, ['revert', '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(commandLines(r.stdout).includes('echo powersave > /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'));
    assert.equal(snapshot(box), before);
    assert.deepEqual(box.calls(), []);
  });
});

test('devices that are mounted, swapped or held by an array are refused, even with --force', () => {
  const spec = {
    ...DRIFTED,
    disks: [
      { name: 'sda', partitions: ['sda1'] },
      { name: 'nvme0n1', partitions: ['nvme0n1p1'] },
      { name: 'nvme1n1', holders: ['md0'] },
      { name: 'nvme2n1' },
    ],
    mounts: [...DRIFTED.mounts, '/dev/nvme0n1p1 /mnt/old ext4 rw 0 0'],
    swaps: ['/dev/nvme2n1 partition 1000 0 -2'],
  };
  withBox(spec, (box) => {
    for (const dev of ['/dev/nvme0n1', '/dev/nvme1n1', '/dev/nvme2n1', '/dev/sda', '/dev/nvme9n1']) {
      const r = tune(box, ['plan', '--only', 'storage', '--devices', `${dev},/dev/nvme9n9`, '--force']);
      assert.equal(r.status, 3, dev);
      assert.match(r.stderr, new RegExp(`refused: ${dev}: `), dev);
    }
    const r = tune(box, ['plan', '--only', 'storage', '--devices', '/dev/nvme0n1', '--force']);
    assert.match(r.stderr, /nvme0n1: in use \(mounted at \/mnt\/old\)/);
    assert.match(tune(box, ['plan', '--only', 'storage', '--devices', '/dev/nvme1n1']).stderr, /held by md0/);
    assert.match(tune(box, ['plan', '--only', 'storage', '--devices', '/dev/nvme2n1']).stderr, /used as swap/);
  });
});

test('a device holding a file system needs --force, which adds a wipe before the RAID', () => {
  const spec = { ...DRIFTED, disks: [{ name: 'nvme0n1', blkid: 'DEVNAME=/dev/nvme0n1\nTYPE=xfs' }, { name: 'nvme1n1' }] };
  withBox(spec, (box) => {
    const refused = tune(box, ['plan', '--only', 'storage', ...DEVICES]);
    assert.equal(refused.status, 3);
    assert.match(refused.stderr, /refused: \/dev\/nvme0n1: holds data \(TYPE=xfs\); pass --force/);
    const forced = tune(box, ['plan', '--only', 'storage', ...DEVICES, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    const cmds = commandLines(forced.stdout);
    assert.equal(cmds[0], 'wipefs --all --force /dev/nvme0n1');
    assert.ok(!cmds.includes('wipefs --all --force /dev/nvme1n1'));
    assert.match(cmds[1] ?? '', /^mdadm --create /);
  });
});

test('one device is formatted directly; xfs with online discard changes mkfs and mount options', () => {
  withBox(DRIFTED, (box) => {
    const one = commandLines(tune(box, ['plan', '--only', 'storage', '--devices', '/dev/nvme0n1']).stdout);
    assert.ok(!one.some((c) => c.startsWith('mdadm')));
    assert.ok(one.includes('mkfs.ext4 -F -L feedmill -m 0 /dev/nvme0n1'));
    const xfs = tune(box, ['plan', '--only', 'storage', ...DEVICES, '--fs', 'xfs', '--discard=online']);
    const cmds = commandLines(xfs.stdout);
    assert.ok(cmds.includes('mkfs.xfs -f -L feedmill /dev/md/feedmill'));
    assert.ok(!cmds.some((c) => c.includes('fstrim')));
    assert.match(xfs.stdout, /Type=xfs\n\s+Options=noatime,discard,nofail/);
  });
});

test('storage is left alone when the data dir is already mounted', () => {
  withBox({ ...DRIFTED, mounts: [...DRIFTED.mounts, '/dev/md127 /srv/feedmill/data ext4 rw,noatime 0 0'] }, (box) => {
    const r = tune(box, ['plan', '--only', 'storage', ...DEVICES]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(commandLines(r.stdout), []);
    assert.match(r.stdout, /already mounted/);
    assert.deepEqual(box.calls(), []);
  });
});

test('apply and revert refuse without root', () => {
  withBox(DRIFTED, (box) => {
    let r;
    if (isRoot) {
      // Drop to nobody for real; the fake tree must be readable by it.
      chmodSync(box.base, 0o755);
      const run = (sub: string) =>
        spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT, sub, '--root', box.root], { encoding: 'utf8' });
      r = run('apply');
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /run it as root/);
      assert.equal(run('revert').status, 3);
    } else {
      r = tune(box, ['apply']);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /run it as root/);
    }
    assert.equal(box.read('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'), 'powersave\n');
  });
});

test('usage errors exit 2 and name the problem', () => {
  withBox(DRIFTED, (box) => {
    const cases: [string[], RegExp][] = [
      [['plan', '--bogus'], /unknown argument '--bogus'/],
      [['plan', '--staging-size', 'lots'], /--staging-size takes/],
      [['plan', '--staging-size', '70%', '--parts-size', '30%'], /90% of RAM/],
      [['plan', '--fs', 'btrfs'], /--fs must be ext4 or xfs/],
      [['plan', '--only', 'gpu'], /--only takes/],
      [['plan', '--data-dir', '/srv/x', '--staging-dir', '/srv/x/staging'], /must not contain each other/],
      [['plan', '--devices', '/dev/nvme0n1,/dev/nvme0n1'], /names \/dev\/nvme0n1 twice/],
      [['--json', 'check'], /the subcommand comes first/],
    ];
    for (const [args, message] of cases) {
      const r = tune(box, args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});

test('--root and --runner flags work as the environment does', () => {
  withBox(DRIFTED, (box) => {
    const r = spawnSync('bash', [SCRIPT, 'plan', '--root', box.root, '--runner', box.runner, ...DEVICES], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /root .*\/root\)/);
    assert.equal(box.calls().length, 2);
  });
});

test('render with the defaults writes exactly the units shipped in deploy/systemd', () => {
  for (const unit of ['srv-feedmill-staging.mount', 'srv-feedmill-staging-parts.mount', 'srv-feedmill-data.mount', 'feedmill-tune.service']) {
    assert.equal(rendered(unit), readFileSync(join(UNITS_DIR, unit), 'utf8'), unit);
  }
  assert.match(rendered('60-feedmill.conf'), /^vm\.dirty_ratio = 10$/m);
});

test('mount unit names match systemd-escape for paths with dots and dashes', { skip: !hasCommand('systemd-escape') && 'systemd-escape is not installed' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'feedmill-units-'));
  try {
    const dirs = { data: '/srv/feed-mill.d/data_1', staging: '/var/lib/fm.x/stag-ing' };
    const r = spawnSync('bash', [SCRIPT, 'render', out, '--data-dir', dirs.data, '--staging-dir', dirs.staging], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const expected = [dirs.data, dirs.staging, `${dirs.staging}/parts`].map(
      (p) => spawnSync('systemd-escape', ['--path', '--suffix=mount', p], { encoding: 'utf8' }).stdout.trim(),
    );
    const names = readdirSync(out);
    for (const e of expected) assert.ok(names.includes(e), `${e} in ${names.join(', ')}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
