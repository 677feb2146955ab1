/**
 * Where feedmill keeps its bytes (dataPaths) and what each place must sit on: staging and feed parts
 * on a RAM file system (speed; losing them loses nothing), the data dir on a durable disk (losing it
 * loses the uploads, feeds and task history).
 */
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';
import { RAM_FS_TYPES, mountFor, type MountEntry } from './mounts.js';
import { realLocation } from './paths.js';
import type { CheckResult } from './report.js';

export type PlaceName = 'staging' | 'parts' | 'data';

export interface Place {
  name: PlaceName;
  /** As configured. */
  path: string;
  /** With symlinks resolved as far as it exists. */
  real: string;
  /** The mount holding it; undefined when mountinfo could not be read. */
  mount: MountEntry | undefined;
}

export function locatePlaces(config: Config, mounts: readonly MountEntry[] | undefined): Record<PlaceName, Place> {
  const paths = dataPaths(config);
  const place = (name: PlaceName, path: string): Place => {
    const real = realLocation(path);
    return { name, path, real, mount: mounts && mountFor(real, mounts) };
  };
  return { staging: place('staging', paths.staging), parts: place('parts', paths.parts), data: place('data', config.dataDir) };
}

const NO_MOUNTINFO = 'cannot read /proc/self/mountinfo';

export function checkOnRam(place: Place): CheckResult {
  const id = `${place.name}-ram`;
  const what = place.name === 'parts' ? 'feed parts dir' : 'staging dir';
  if (!place.mount) return { id, status: 'skip', summary: NO_MOUNTINFO, details: { path: place.path } };
  const details = { path: place.path, mountPoint: place.mount.mountPoint, fsType: place.mount.fsType };
  if (RAM_FS_TYPES.has(place.mount.fsType)) {
    return { id, status: 'ok', summary: `${what} ${place.path} is on ${place.mount.fsType} (${place.mount.mountPoint})`, details };
  }
  return {
    id,
    status: 'fail',
    summary: `${what} ${place.path} is on ${place.mount.fsType} (${place.mount.mountPoint}), not on a RAM file system`,
    fix:
      place.name === 'staging'
        ? "mount a tmpfs there ('deploy/feedmill-tune apply --only memory'), or point FEEDMILL_STAGING_DIR / --staging-dir to a dir under /dev/shm"
        : "mount a tmpfs there ('deploy/feedmill-tune apply --only memory' mounts one at <staging dir>/parts)",
    details,
  };
}

export function checkDataDurable(place: Place): CheckResult {
  const id = 'data-durable';
  if (!place.mount) return { id, status: 'skip', summary: NO_MOUNTINFO, details: { path: place.path } };
  const m = place.mount;
  const details = { path: place.path, mountPoint: m.mountPoint, fsType: m.fsType, source: m.source };
  if (RAM_FS_TYPES.has(m.fsType)) {
    return {
      id,
      status: 'fail',
      summary: `data dir ${place.path} is on ${m.fsType}: uploads, feeds and tasks would vanish at reboot`,
      fix: 'point FEEDMILL_DATA_DIR / --data-dir to a durable disk (the profile mounts a RAID 0 of SSDs there)',
      details,
    };
  }
  if (!m.options.includes('noatime')) {
    return {
      id,
      status: 'warn',
      summary: `data dir ${place.path} is on ${m.fsType} (${m.source} at ${m.mountPoint}) without noatime`,
      fix: `remount with noatime: every read of a feed or source otherwise writes its access time ('mount -o remount,noatime ${m.mountPoint}')`,
      details,
    };
  }
  return { id, status: 'ok', summary: `data dir ${place.path} is on ${m.fsType} (${m.source} at ${m.mountPoint}, noatime)`, details };
}
