/**
 * Open files: every staging DB, part file, feed file and client connection is a descriptor, and an
 * export holds one part per channel per worker at once. Node raises its soft limit to the hard one at
 * start, so the limit that matters is this process's, read from /proc/self/limits.
 */
import type { CheckResult } from './report.js';
import type { SystemView } from './system.js';

/** The profile's value (LimitNOFILE in deploy/systemd). */
export const PROFILE_NOFILE = 65536;
/** Below this, a busy box reaches EMFILE. */
export const MIN_NOFILE = 4096;

export function checkOpenFiles(sys: SystemView): CheckResult {
  const text = sys.read('/proc/self/limits');
  const line = text?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined) {
    return { id: 'open-files', status: 'skip', summary: 'cannot read /proc/self/limits', details: {} };
  }
  const limit = soft === 'unlimited' ? Infinity : Number(soft);
  const details = { soft: soft === 'unlimited' ? soft : limit, profile: PROFILE_NOFILE, minimum: MIN_NOFILE };
  const fix = `raise it to ${PROFILE_NOFILE}: LimitNOFILE=${PROFILE_NOFILE} in the systemd unit (deploy/systemd sets it), or 'ulimit -n ${PROFILE_NOFILE}' in the shell`;
  if (limit >= PROFILE_NOFILE) return { id: 'open-files', status: 'ok', summary: `open-file limit ${soft}`, details };
  if (limit >= MIN_NOFILE) {
    return { id: 'open-files', status: 'warn', summary: `open-file limit ${soft}, below the profile's ${PROFILE_NOFILE}`, fix, details };
  }
  return { id: 'open-files', status: 'fail', summary: `open-file limit ${soft}: exports will fail with EMFILE`, fix, details };
}
