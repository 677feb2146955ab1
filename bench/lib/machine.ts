/** What the figures were measured on: printed beside every benchmark table and kept in --json. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, release, platform, arch } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  /** CPU frequency governor of cpu0 when Linux exposes it (the deploy profile sets `performance`). */
  governor: string | undefined;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  arch: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus()[0];
  let governor: string | undefined;
  try {
    governor = readFileSync('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor', 'utf8').trim();
  } catch {
    governor = undefined;
  }
  return {
    cores: availableParallelism(),
    cpuModel: cpu?.model.trim() ?? 'unknown',
    governor,
    totalMemoryBytes: totalmem(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    kernel: release(),
  };
}

export function describeMachine(m: MachineInfo): string {
  const gov = m.governor === undefined ? '' : `, governor ${m.governor}`;
  return `${m.cores} cores, ${m.cpuModel}${gov}, ${(m.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB RAM, Node ${m.node}, ${m.platform}/${m.arch} ${m.kernel}`;
}
