/**
 * The doctor against a fake /proc + /sys tree in a temp dir (mountinfo naming the temp dirs as tmpfs
 * or ext4), with real config, a real app DB and real staging files. A regression shows as a check
 * that passes on a box outside the profile, or a wrong need for the configured catalogs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig, dataPaths, type Config } from '../../src/config.js';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { openAppDb } from '../../src/db/index.js';
import { CatalogVersions, StagingWriter } from '../../src/staging/index.js';
import { main } from '../../src/cli/run.js';
import {
  FLAT_STAGING_BYTES_PER_OFFER,
  PART_BYTES_PER_STAGING_BYTE,
  catalogNeed,
  mountFor,
  parseMountInfo,
  runDoctor,
  checkNodeRelease,
  checkSqliteRows,
  RECOMMENDED_NODE,
  type RuntimeView,
  type CatalogSize,
  type CheckResult,
  type DoctorReport,
} from '../../src/doctor/index.js';

const GiB = 1024 ** 3;

interface Box {
  base: string;
  root: string;
  config: Config;
  write(path: string, content: string): void;
  mountinfo(lines: string[]): void;
  cleanup(): void;
}

/** A box in the profile: staging and parts on their own tmpfs, data on ext4 noatime, tuned CPU. */
function makeBox(): Box {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'feedmill-doctor-')));
  const root = join(base, 'root');
  // The mount points the fake mountinfo names exist, as they would on a real box.
  for (const dir of ['data', 'staging/parts']) mkdirSync(join(base, dir), { recursive: true });
  const config = loadConfig({ dataDir: join(base, 'data'), stagingDir: join(base, 'staging') }, {}, base);
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const mountinfo = (lines: string[]) => write('/proc/self/mountinfo', lines.map((l, i) => `${30 + i} 1 0:${40 + i} / ${l}\n`).join(''));
  mountinfo([
    '/ rw,relatime shared:1 - ext4 /dev/sda1 rw',
    `${base}/data rw,noatime shared:2 - ext4 /dev/md127 rw,stripe=256`,
    `${base}/staging rw,nosuid,nodev,noexec,noatime shared:3 - tmpfs tmpfs rw,size=33554432k,mode=750,uid=990`,
    `${base}/staging/parts rw,nosuid,nodev,noexec,noatime shared:4 - tmpfs tmpfs rw,size=10066329k,mode=750,uid=990`,
  ]);
  for (const cpu of ['cpu0', 'cpu1', 'cpu2']) write(`/sys/devices/system/cpu/${cpu}/cpufreq/scaling_governor`, 'performance\n');
  write('/sys/devices/system/cpu/cpuidle/current_driver', 'intel_idle\n');
  write('/proc/self/limits', 'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            65536                524288               files     \n');
  write('/proc/sys/vm/swappiness', '1\n');
  return { base, root, config, write, mountinfo, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

function withBox(fn: (box: Box) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const box = makeBox();
    try {
      await fn(box);
    } finally {
      box.cleanup();
    }
  };
}

/** Free space by place, for the injected statfs: the path decides which file system answers. */
function spaceOf(box: Box, free: { staging: number; parts: number; data: number }) {
  return (path: string) => {
    const which = path.startsWith(join(box.base, 'staging', 'parts')) ? 'parts' : path.startsWith(join(box.base, 'staging')) ? 'staging' : 'data';
    return { freeBytes: free[which], totalBytes: free[which] * 2 };
  };
}

function check(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

const ROOMY = { staging: 32 * GiB, parts: 12 * GiB, data: 500 * GiB };
/** A supported LTS release on the day of the check; better-sqlite3 needs no rebuild there. */
const SUPPORTED: RuntimeView = { nodeVersion: 'v24.22.3', abi: 137, now: new Date('2026-12-06T00:00:00Z'), betterSqliteDir: undefined };

test(
  'a box in the profile passes every check',
  withBox((box) => {
    const report = runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [], runtime: SUPPORTED });
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status]),
      [
        ['staging-ram', 'ok'],
        ['parts-ram', 'ok'],
        ['data-durable', 'ok'],
        ['space:staging', 'ok'],
        ['space:parts', 'ok'],
        ['space:data', 'ok'],
        ['governor', 'ok'],
        ['open-files', 'ok'],
        ['swappiness', 'ok'],
        ['node', 'ok'],
        ['sqlite-rows', 'ok'],
      ],
    );
    assert.equal(check(report, 'staging-ram').details.fsType, 'tmpfs');
    assert.equal(check(report, 'staging-ram').details.mountPoint, join(box.base, 'staging'));
  }),
);

test(
  'staging on a disk, parts on a disk and data on tmpfs each fail with their fix',
  withBox((box) => {
    box.mountinfo(['/ rw,relatime - ext4 /dev/sda1 rw', `${box.base}/data rw,relatime - tmpfs tmpfs rw,size=1024k`]);
    const report = runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] });
    assert.equal(report.ok, false);
    for (const id of ['staging-ram', 'parts-ram', 'data-durable']) {
      const c = check(report, id);
      assert.equal(c.status, 'fail', id);
      assert.ok(c.fix, id);
    }
    assert.deepEqual(check(report, 'staging-ram').details, { path: join(box.base, 'staging'), mountPoint: '/', fsType: 'ext4' });
    assert.equal(check(report, 'data-durable').details.fsType, 'tmpfs');
    // Staging and parts now share the root file system: their needs are judged together.
    assert.ok(report.checks.some((c) => c.id === 'space:staging+parts'));
  }),
);

test(
  'the data dir without noatime is a warning, not a failure',
  withBox((box) => {
    box.mountinfo([`${box.base}/data rw,relatime - ext4 /dev/md127 rw`, `${box.base}/staging rw - tmpfs tmpfs rw`]);
    const report = runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] });
    assert.equal(check(report, 'data-durable').status, 'warn');
    assert.equal(report.ok, true);
  }),
);

test(
  'a staging dir reached through a symlink is judged where its bytes go',
  withBox((box) => {
    symlinkSync(join(box.base, 'staging'), join(box.base, 'link'));
    const config = loadConfig({ dataDir: join(box.base, 'data'), stagingDir: join(box.base, 'link') }, {}, box.base);
    const report = runDoctor({ config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] });
    assert.equal(check(report, 'staging-ram').status, 'ok');
  }),
);

test(
  'free space is judged against the catalogs: ok with headroom, warn when tight, fail when short',
  withBox((box) => {
    const catalogs: CatalogSize[] = [
      { catalog: 'sun-tours', channels: 3, offers: 40_000_000, stagingBytes: 6 * GiB, sourceBytes: 4 * GiB },
      { catalog: 'acme-fr', channels: 1, offers: 100_000, stagingBytes: null, sourceBytes: 0 },
      { catalog: 'new-shop', channels: 2, offers: null, stagingBytes: null, sourceBytes: 0 },
    ];
    const acmeStaging = 100_000 * FLAT_STAGING_BYTES_PER_OFFER;
    const stagingNeed = 6 * GiB + acmeStaging;
    const partsNeed = Math.ceil(6 * GiB * PART_BYTES_PER_STAGING_BYTE) * 3 + Math.ceil(acmeStaging * PART_BYTES_PER_STAGING_BYTE);
    const run = (free: typeof ROOMY) => runDoctor({ config: box.config, root: box.root, space: spaceOf(box, free), catalogs });

    const roomy = run(ROOMY);
    const staging = check(roomy, 'space:staging');
    assert.equal(staging.status, 'ok');
    assert.equal(staging.details.needBytes, stagingNeed);
    assert.deepEqual(staging.details.perCatalog, { 'sun-tours': 6 * GiB, 'acme-fr': acmeStaging });
    assert.deepEqual(staging.details.unsized, ['new-shop']);
    assert.equal(check(roomy, 'space:parts').details.needBytes, partsNeed);
    assert.equal(check(roomy, 'space:data').details.needBytes, 4 * GiB + partsNeed);

    const tight = run({ ...ROOMY, staging: stagingNeed + 1 });
    assert.equal(check(tight, 'space:staging').status, 'warn');
    assert.equal(tight.ok, true);

    const short = run({ ...ROOMY, parts: partsNeed - 1 });
    const parts = check(short, 'space:parts');
    assert.equal(parts.status, 'fail');
    assert.match(parts.fix ?? '', /sun-tours/);
    assert.equal(short.ok, false);
  }),
);

test(
  'governor: any CPU below performance fails and is named; no cpufreq is a skip',
  withBox((box) => {
    box.write('/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor', 'powersave\n');
    const slow = check(runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] }), 'governor');
    assert.equal(slow.status, 'fail');
    assert.deepEqual(slow.details.notPerformance, { cpu1: 'powersave' });
    for (const cpu of ['cpu0', 'cpu1', 'cpu2']) rmSync(join(box.root, `/sys/devices/system/cpu/${cpu}/cpufreq`), { recursive: true });
    const vm = check(runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] }), 'governor');
    assert.equal(vm.status, 'skip');
  }),
);

test(
  'open files: below 4096 fails, below the profile warns, unlimited passes',
  withBox((box) => {
    const cases: [string, string][] = [
      ['1024', 'fail'],
      ['20000', 'warn'],
      ['unlimited', 'ok'],
    ];
    for (const [soft, status] of cases) {
      box.write('/proc/self/limits', `Limit  Soft Limit  Hard Limit  Units\nMax open files            ${soft}                1048576              files     \n`);
      const c = check(runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] }), 'open-files');
      assert.equal(c.status, status, soft);
    }
  }),
);

test(
  'swappiness above 10 warns',
  withBox((box) => {
    box.write('/proc/sys/vm/swappiness', '60\n');
    const report = runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] });
    assert.equal(check(report, 'swappiness').status, 'warn');
    assert.equal(check(report, 'swappiness').details.value, 60);
  }),
);

test(
  'without a readable mountinfo the file-system checks skip instead of guessing',
  withBox((box) => {
    rmSync(join(box.root, 'proc/self/mountinfo'));
    const report = runDoctor({ config: box.config, root: box.root, space: spaceOf(box, ROOMY), catalogs: [] });
    assert.equal(check(report, 'staging-ram').status, 'skip');
    assert.equal(check(report, 'data-durable').status, 'skip');
  }),
);

test(
  'catalog sizes come from the app DB and the real staging and source files',
  withBox((box) => {
    const config = box.config;
    const db = openAppDb(config);
    try {
      new CatalogRegistry(db).add({ name: 'sun-tours', profile: 'tour-operator', channels: ['google-shopping', 'meta'] });
      new CatalogRegistry(db).add({ name: 'empty-one', profile: 'generic' });
      const versions = new CatalogVersions(db, config);
      const source = join(dataPaths(config).sources, 'sun-tours.xml');
      mkdirSync(dirname(source), { recursive: true });
      writeFileSync(source, '<catalog/>'.repeat(100));
      const v = versions.begin('sun-tours', { sourcePath: source, profile: 'tour-operator' });
      const writer = new StagingWriter(v.loadingPath, { rejectLimit: 0 });
      const pid = writer.product({ key: 'CRE-0001', title: 'Crete' });
      for (let d = 1; d <= 50; d++) writer.offer(pid, { id: `CRE-0001-${d}`, price: 100_00 + d, currency: 'EUR', nights: 7 }, d);
      versions.commit(v, writer.finish());
    } finally {
      db.close();
    }
    const report = runDoctor({ config, root: box.root, space: spaceOf(box, ROOMY) });
    const staging = check(report, 'space:staging');
    const stagingFile = statSync(join(config.stagingDir, 'catalogs', 'sun-tours', 'v1.sqlite')).size;
    assert.deepEqual(staging.details.perCatalog, { 'sun-tours': stagingFile });
    assert.deepEqual(staging.details.unsized, ['empty-one']);
    const feed = Math.ceil(stagingFile * PART_BYTES_PER_STAGING_BYTE) * 2;
    assert.equal(check(report, 'space:parts').details.needBytes, feed);
    assert.equal(check(report, 'space:data').details.needBytes, 1000 + feed);
  }),
);

test('the doctor never creates an app DB', () => {
  const base = mkdtempSync(join(tmpdir(), 'feedmill-doctor-'));
  try {
    const config = loadConfig({ dataDir: join(base, 'data'), stagingDir: join(base, 'staging') }, {}, base);
    const report = runDoctor({ config });
    assert.ok(report.checks.length >= 7);
    assert.throws(() => statSync(join(base, 'data')), { code: 'ENOENT' });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('catalogNeed: the staging file wins over the offer count; no version needs nothing', () => {
  assert.deepEqual(catalogNeed({ catalog: 'a', channels: 2, offers: 10, stagingBytes: 1000, sourceBytes: 7 }), {
    catalog: 'a',
    staging: 1000,
    parts: 1000,
    data: 1007,
    basis: 'staging-file',
  });
  assert.equal(catalogNeed({ catalog: 'b', channels: 0, offers: 10, stagingBytes: null, sourceBytes: 0 }).staging, 10 * FLAT_STAGING_BYTES_PER_OFFER);
  assert.equal(catalogNeed({ catalog: 'c', channels: 0, offers: null, stagingBytes: null, sourceBytes: 9 }).basis, 'none');
});

test('mountinfo: octal escapes, optional fields, longest prefix and the last mount on a point win', () => {
  const entries = parseMountInfo(
    [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      '40 22 0:50 / /srv/feed\\040mill rw,noatime shared:5 master:2 - xfs /dev/md0 rw,attr2',
      '41 40 0:51 / /srv/feed\\040mill/staging rw - ext4 /dev/sdb1 rw',
      '42 40 0:52 / /srv/feed\\040mill/staging rw,noatime - tmpfs tmpfs rw,size=1024k',
      'garbage',
      '',
    ].join('\n'),
  );
  assert.equal(entries.length, 4);
  assert.deepEqual(entries[1], { mountPoint: '/srv/feed mill', fsType: 'xfs', source: '/dev/md0', options: ['rw', 'noatime', 'rw', 'attr2'] });
  assert.equal(mountFor('/srv/feed mill/staging/catalogs/x', entries)?.fsType, 'tmpfs');
  assert.equal(mountFor('/srv/feed mill/data', entries)?.fsType, 'xfs');
  assert.equal(mountFor('/srv/feed millx', entries)?.fsType, 'ext4');
});

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, signal: new AbortController().signal }, out: () => out, err: () => err };
}

test(
  'feedmill doctor: exit 0 on a fitting box; exit 1 with FEEDMILL_DOCTOR_FAILED and one JSON object otherwise',
  withBox(async (box) => {
    const args = ['doctor', '--root', box.root, '--data-dir', join(box.base, 'data'), '--staging-dir', join(box.base, 'staging')];
    const good = io();
    assert.equal(await main(args, good.io), 0, good.err());
    assert.match(good.out(), /^ok {4}staging-ram/m);

    box.write('/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor', 'ondemand\n');
    const text = io();
    assert.equal(await main(args, text.io), 1);
    assert.match(text.out(), /^FAIL {2}governor/m);
    assert.match(text.err(), /FEEDMILL_DOCTOR_FAILED/);

    const json = io();
    assert.equal(await main([...args, '--json'], json.io), 1);
    const lines = json.out().trim().split('\n');
    assert.equal(lines.length, 1);
    const parsed = JSON.parse(lines[0] ?? '') as DoctorReport & { error: { code: string; details: { failed: string[] } } };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.error.code, 'FEEDMILL_DOCTOR_FAILED');
    assert.deepEqual(parsed.error.details.failed, ['governor']);
  }),
);

test('node: a release past its end of life or not LTS warns with the release to install; below the floor fails', () => {
  const at = (nodeVersion: string, day: string): RuntimeView => ({ ...SUPPORTED, nodeVersion, now: new Date(`${day}T12:00:00Z`) });
  assert.equal(checkNodeRelease(at('v20.20.2', '2026-04-30')).status, 'ok', 'the last day of support');
  const eol = checkNodeRelease(at('v20.20.2', '2026-05-01'));
  assert.equal(eol.status, 'warn');
  assert.equal(eol.details.endOfLife, '2026-04-30');
  assert.match(eol.summary, /end of life since 2026-04-30/);
  assert.match(eol.fix ?? '', new RegExp(`Node ${RECOMMENDED_NODE} LTS`));
  assert.equal(checkNodeRelease(at('v23.11.0', '2025-06-01')).status, 'warn', 'odd majors are never LTS');
  assert.equal(checkNodeRelease(at('v24.22.3', '2026-12-06')).status, 'ok');
  assert.equal(checkNodeRelease(at('v26.1.0', '2026-12-06')).status, 'ok', 'a release newer than the table');
  assert.equal(checkNodeRelease(at('v18.20.8', '2024-01-01')).status, 'fail', 'below the floor, even while supported');
  assert.equal(checkNodeRelease(at('nonsense', '2026-12-06')).status, 'skip');
});

test('sqlite-rows: on Node < 22 the rebuilt better-sqlite3 is told from the upstream build by its stamp', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-doctor-bs3-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  const node20: RuntimeView = { ...SUPPORTED, nodeVersion: 'v20.20.2', abi: 115, betterSqliteDir: dir };
  const upstream = checkSqliteRows(node20);
  assert.equal(upstream.status, 'warn');
  assert.match(upstream.fix ?? '', /npm run postinstall/);
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'build', 'Release', 'feedmill-patch.json'), JSON.stringify({ id: 'x', version: '12.10.0' }));
  assert.equal(checkSqliteRows(node20).status, 'warn', 'a stamp of another version: the package was upgraded since');
  writeFileSync(join(dir, 'build', 'Release', 'feedmill-patch.json'), JSON.stringify({ id: 'x', version: '12.11.1' }));
  assert.equal(checkSqliteRows(node20).status, 'ok');
  assert.equal(checkSqliteRows({ ...node20, abi: 127, betterSqliteDir: undefined }).status, 'ok', 'Node 22+ needs no rebuild');
  assert.equal(checkSqliteRows({ ...node20, betterSqliteDir: undefined }).status, 'skip');
});

test('the doctor on this very process finds the installed better-sqlite3', () => {
  // CI installs with a toolchain: on Node < 22 the rebuilt build is there, on Node 22+ none is needed.
  const report = runDoctor({ config: loadConfig({}, {}), root: '/nonexistent', catalogs: [] });
  assert.equal(check(report, 'sqlite-rows').status, 'ok', check(report, 'sqlite-rows').summary);
  assert.notEqual(check(report, 'node').status, 'skip');
});
