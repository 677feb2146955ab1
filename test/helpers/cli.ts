/** Runs the CLI in-process with captured stdout/stderr (no child process, no shared state). */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/run.js';

export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, { stdout, stderr, signal: new AbortController().signal });
  return { code, stdout: out, stderr: err };
}
