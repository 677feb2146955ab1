/** `feedmill doctor [--json]`: does this machine fit the deploy profile? Prints what to fix. */
import { FeedmillError } from '../../errors.js';
import { formatReport, runDoctor } from '../../doctor/index.js';
import { print, printJson, type Command } from '../command.js';

const usage = 'feedmill doctor [--root DIR] [--json]';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check this machine against the deploy profile (RAM staging, free space, governor, open files) and say what to fix',
  usage,
  // --root reads /proc and /sys under DIR: for tests and for checking a container's view from outside.
  options: { root: { type: 'string' } },
  async run(ctx) {
    const report = runDoctor({ config: ctx.config, root: ctx.values.root as string | undefined });
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    const error =
      failed.length === 0
        ? undefined
        : new FeedmillError('FEEDMILL_DOCTOR_FAILED', `${failed.length} doctor check(s) failed (${failed.join(', ')}); each FAIL line says what to fix`, {
            failed,
          });
    if (ctx.json) {
      // One JSON object: the report, with the error beside it rather than a second line.
      printJson(ctx, error ? { ...report, error: error.toJSON() } : report);
      return error ? 1 : 0;
    }
    print(ctx, formatReport(report));
    if (error) throw error;
    return 0;
  },
};
