/**
 * What the doctor reports: one result per check, and the report as text for people.
 * `fail` means the machine does not meet the deploy profile (the command exits non-zero); `warn` is
 * a profile value missed without harm to correctness; `skip` is a check this machine cannot answer.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id, e.g. `staging-ram`, `governor`, `space:staging+parts`. */
  id: string;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** What to do, when the status is warn or fail. */
  fix?: string | undefined;
  details: Record<string, unknown>;
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  checks: CheckResult[];
}

export function makeReport(checks: CheckResult[]): DoctorReport {
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines = report.checks.flatMap((c) => {
    const line = `${LABEL[c.status]}  ${c.id.padEnd(width)}  ${c.summary}`;
    return c.fix && (c.status === 'fail' || c.status === 'warn') ? [line, `      ${' '.repeat(width)}  fix: ${c.fix}`] : [line];
  });
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed === 0 ? 'this machine fits the deploy profile' : `${failed} check${failed === 1 ? '' : 's'} failed: fix the FAIL lines above`);
  return lines.join('\n');
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1) return `${gib.toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
