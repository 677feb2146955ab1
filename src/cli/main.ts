/** Process entry of the CLI: signals become an AbortSignal, the exit code is main()'s. */
import { FeedmillError } from '../errors.js';
import { main } from './run.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => controller.abort(new FeedmillError('FEEDMILL_INGEST_ABORTED', `stopped by ${sig}`)));
}
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
