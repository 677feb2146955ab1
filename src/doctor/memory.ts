/**
 * Swappiness: with swap present, a high value lets the kernel push staging tmpfs pages to disk to
 * keep page cache, which turns RAM-speed reads into disk reads in the middle of an export.
 */
import type { CheckResult } from './report.js';
import type { SystemView } from './system.js';

export const PROFILE_SWAPPINESS = 1;

export function checkSwappiness(sys: SystemView): CheckResult {
  const raw = sys.read('/proc/sys/vm/swappiness')?.trim();
  if (raw === undefined || !/^\d+$/.test(raw)) {
    return { id: 'swappiness', status: 'skip', summary: 'cannot read /proc/sys/vm/swappiness', details: {} };
  }
  const value = Number(raw);
  if (value <= 10) return { id: 'swappiness', status: 'ok', summary: `vm.swappiness ${value}`, details: { value } };
  return {
    id: 'swappiness',
    status: 'warn',
    summary: `vm.swappiness ${value}: staging pages may be swapped out under memory pressure`,
    fix: `set vm.swappiness=${PROFILE_SWAPPINESS} ('deploy/feedmill-tune apply --only memory' persists it in /etc/sysctl.d)`,
    details: { value, profile: PROFILE_SWAPPINESS },
  };
}
