/**
 * The CPU frequency governor: the profile runs every core at `performance`, because ramping up from
 * a power-saving frequency costs throughput on bursty work (a worker waking for each part).
 */
import type { CheckResult } from './report.js';
import type { SystemView } from './system.js';

const CPU_DIR = '/sys/devices/system/cpu';

export function checkGovernor(sys: SystemView): CheckResult {
  const cpus = sys
    .list(CPU_DIR)
    .filter((n) => /^cpu\d+$/.test(n))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  const governors = new Map<string, string>();
  for (const cpu of cpus) {
    const g = sys.read(`${CPU_DIR}/${cpu}/cpufreq/scaling_governor`)?.trim();
    if (g) governors.set(cpu, g);
  }
  if (governors.size === 0) {
    return {
      id: 'governor',
      status: 'skip',
      summary: 'no cpufreq in /sys (a VM, or frequency scaling off in firmware): nothing to set',
      details: { cpus: cpus.length },
    };
  }
  const slow = [...governors].filter(([, g]) => g !== 'performance');
  if (slow.length === 0) {
    return { id: 'governor', status: 'ok', summary: `performance on all ${governors.size} CPUs`, details: { cpus: governors.size } };
  }
  return {
    id: 'governor',
    status: 'fail',
    summary: `${slow.length} of ${governors.size} CPUs not at performance (${slow
      .slice(0, 4)
      .map(([cpu, g]) => `${cpu}=${g}`)
      .join(', ')}${slow.length > 4 ? ', ...' : ''})`,
    fix: "run 'deploy/feedmill-tune apply --only cpu' as root (it also keeps the setting across reboots)",
    details: { cpus: governors.size, notPerformance: Object.fromEntries(slow) },
  };
}
