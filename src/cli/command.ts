/**
 * What a CLI command is: a name, a usage text, its own options (node:util parseArgs shape) and a
 * `run` that gets the validated config. Commands hold no stage logic: they call the areas' index.ts.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and leave nothing half-written. */
  signal: AbortSignal;
}

export interface CommandContext {
  config: Config;
  log: Logger;
  io: CommandIo;
  /** Option values after parsing (global options removed). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  json: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Long-running services (serve, worker) log at info by default; one-shot commands at warn. */
  daemon?: boolean;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

export function print(ctx: CommandContext, text: string): void {
  ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value)}\n`);
}
