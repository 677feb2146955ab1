/**
 * A fake Linux box for deploy/feedmill-tune: a /sys + /proc + /etc tree in a temp dir, and a runner
 * that records every program the script starts (one line per call, arguments split by \x1f) instead
 * of running it. The runner answers the two probes the script reads back: `blkid` (from blkid/<dev>)
 * and `mdadm --detail --brief` (an ARRAY line).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCRIPT = fileURLToPath(new URL('../../deploy/feedmill-tune', import.meta.url));
export const UNITS_DIR = fileURLToPath(new URL('../../deploy/systemd', import.meta.url));

export interface FakeDisk {
  name: string;
  rotational?: boolean;
  partitions?: string[];
  holders?: string[];
  /** What `blkid -p -o export` prints for the disk (e.g. "TYPE=ext4"); none when absent. */
  blkid?: string;
}

export interface FakeBoxSpec {
  cpus?: number;
  /** Current governor; undefined: no cpufreq at all (a VM). */
  governor?: string | undefined;
  epp?: string | undefined;
  /** Idle states as [name, exit latency in µs]; the script disables those above its limit. */
  cstates?: [string, number][];
  idleDriver?: string;
  memTotalKib?: number;
  sysctl?: Record<string, string>;
  /** Lines of /proc/mounts. */
  mounts?: string[];
  mdstat?: string;
  swaps?: string[];
  users?: string[];
  disks?: FakeDisk[];
  irqbalance?: boolean;
  cmdline?: string;
}

export const DRIFTED: Required<Omit<FakeBoxSpec, 'mdstat'>> = {
  cpus: 2,
  governor: 'powersave',
  epp: 'balance_performance',
  cstates: [
    ['POLL', 0],
    ['C1', 2],
    ['C1E', 10],
    ['C6', 133],
  ],
  idleDriver: 'intel_idle',
  memTotalKib: 64 * 1024 * 1024,
  sysctl: { 'vm.swappiness': '60', 'vm.dirty_background_ratio': '10', 'vm.dirty_ratio': '20' },
  mounts: ['/dev/sda1 / ext4 rw,relatime 0 0', 'tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0'],
  swaps: [],
  users: ['root'],
  disks: [{ name: 'sda', partitions: ['sda1'] }, { name: 'nvme0n1' }, { name: 'nvme1n1' }],
  irqbalance: true,
  cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet',
};

export interface FakeBox {
  base: string;
  root: string;
  runner: string;
  /** Calls recorded by the runner so far, each as its argument list. */
  calls(): string[][];
  clearCalls(): void;
  read(path: string): string;
  exists(path: string): boolean;
  write(path: string, content: string): void;
  cleanup(): void;
}

export function makeBox(spec: FakeBoxSpec = DRIFTED): FakeBox {
  const base = mkdtempSync(join(tmpdir(), 'feedmill-tune-'));
  const root = join(base, 'root');
  const put = (path: string, content: string) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  const cpus = spec.cpus ?? 2;
  for (let c = 0; c < cpus; c++) {
    const cpu = `/sys/devices/system/cpu/cpu${c}`;
    if (spec.governor !== undefined) {
      put(`${cpu}/cpufreq/scaling_governor`, `${spec.governor}\n`);
      put(`${cpu}/cpufreq/scaling_available_governors`, 'performance powersave\n');
      if (spec.epp !== undefined) put(`${cpu}/cpufreq/energy_performance_preference`, `${spec.epp}\n`);
    } else {
      mkdirSync(join(root, cpu), { recursive: true });
    }
    (spec.cstates ?? []).forEach(([name, latency], i) => {
      put(`${cpu}/cpuidle/state${i}/name`, `${name}\n`);
      put(`${cpu}/cpuidle/state${i}/latency`, `${latency}\n`);
      put(`${cpu}/cpuidle/state${i}/disable`, '0\n');
    });
  }
  if (spec.idleDriver) put('/sys/devices/system/cpu/cpuidle/current_driver', `${spec.idleDriver}\n`);
  put('/proc/meminfo', `MemTotal:       ${spec.memTotalKib ?? 64 * 1024 * 1024} kB\nMemFree:        1024 kB\n`);
  for (const [key, value] of Object.entries(spec.sysctl ?? {})) put(`/proc/sys/${key.replaceAll('.', '/')}`, `${value}\n`);
  put('/proc/mounts', (spec.mounts ?? []).map((l) => `${l}\n`).join(''));
  put('/proc/swaps', ['Filename Type Size Used Priority', ...(spec.swaps ?? [])].join('\n') + '\n');
  if (spec.mdstat !== undefined) put('/proc/mdstat', spec.mdstat);
  put('/proc/cmdline', `${spec.cmdline ?? ''}\n`);
  if (spec.irqbalance) put('/proc/812/comm', 'irqbalance\n');
  put('/proc/1/comm', 'systemd\n');
  put('/etc/passwd', (spec.users ?? ['root']).map((u, i) => `${u}:x:${i === 0 ? 0 : 990 + i}:${i === 0 ? 0 : 990 + i}::/:/bin/sh\n`).join(''));
  mkdirSync(join(root, 'etc/mdadm'), { recursive: true });
  put('/usr/sbin/update-initramfs', '');
  for (const disk of spec.disks ?? []) {
    const dir = `/sys/class/block/${disk.name}`;
    put(`${dir}/queue/rotational`, disk.rotational ? '1\n' : '0\n');
    put(`${dir}/size`, '1000215216\n');
    mkdirSync(join(root, dir, 'holders'), { recursive: true });
    for (const h of disk.holders ?? []) mkdirSync(join(root, dir, 'holders', h), { recursive: true });
    for (const p of disk.partitions ?? []) put(`${dir}/${p}/partition`, '1\n');
    if (disk.blkid !== undefined) writeBlkid(base, disk.name, disk.blkid);
  }
  const runner = join(base, 'runner.sh');
  writeFileSync(
    runner,
    [
      '#!/bin/sh',
      'here=$(dirname "$0")',
      `printf '%s\\037' "$@" >> "$here/calls.log"`,
      `printf '\\n' >> "$here/calls.log"`,
      'for last in "$@"; do :; done',
      'case "$1" in',
      '  blkid) f="$here/blkid/${last##*/}"; [ -f "$f" ] || exit 2; cat "$f" ;;',
      '  mdadm) [ "$2" = --detail ] && echo "ARRAY /dev/md/feedmill metadata=1.2 name=box:feedmill UUID=0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9" ;;',
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(runner, 0o755);
  const log = join(base, 'calls.log');
  return {
    base,
    root,
    runner,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => l.split('\x1f').slice(0, -1))
        : [],
    clearCalls: () => rmSync(log, { force: true }),
    read: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)),
    write: put,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

function writeBlkid(base: string, name: string, content: string): void {
  mkdirSync(join(base, 'blkid'), { recursive: true });
  writeFileSync(join(base, 'blkid', name), `${content}\n`);
}

export interface TuneResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script for real with bash against the box (root and runner through the environment). */
export function tune(box: FakeBox, args: string[], extraEnv: Record<string, string> = {}): TuneResult {
  const r = spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', FEEDMILL_TUNE_ROOT: box.root, FEEDMILL_TUNE_RUNNER: box.runner, ...extraEnv },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `$ command` lines of a plan or apply output, without their indentation. */
export function commandLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('    $ '))
    .map((l) => l.slice(6));
}

export function hasCommand(which: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${which}`], { encoding: 'utf8' }).status === 0;
}
