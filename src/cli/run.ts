/**
 * feedmill's command line: global options, dispatch to one command, coded errors and exit codes.
 * Free of process side effects so that tests call `main()` in-process.
 * Exit codes: 0 success, 1 a coded error (printed with its code), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type ConfigOverrides } from '../config.js';
import { FeedmillError, toFeedmillError } from '../errors.js';
import { createLogger } from '../log.js';
import type { Command, CommandIo } from './command.js';
import { COMMANDS } from './commands/index.js';

const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  'staging-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  'log-level': { type: 'string' },
} as const;

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'feedmill: product catalogs in, marketplace feeds out.',
    '',
    'Usage: feedmill <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir DIR     durable data (app DB, sources, feeds); env FEEDMILL_DATA_DIR; default ./.feedmill',
    '  --staging-dir DIR  RAM-disk staging; env FEEDMILL_STAGING_DIR; default /dev/shm/feedmill',
    '  --json             one JSON object on stdout',
    '  --help             help of a command: feedmill <command> --help',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${helpText()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const wantsJson = rest.includes('--json');
  try {
    if (!command) {
      throw new FeedmillError('FEEDMILL_CLI_USAGE', `unknown command ${name}; run 'feedmill --help' for the list`, { command: name });
    }
    return await runCommand(command, rest, io);
  } catch (err) {
    const e = toFeedmillError(err);
    if (wantsJson) io.stdout.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
    io.stderr.write(`feedmill: ${e.code}: ${e.message}\n`);
    if (e.code === 'FEEDMILL_INTERNAL' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return e.code === 'FEEDMILL_CLI_USAGE' ? 2 : 1;
  }
}

async function runCommand(command: Command, argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new FeedmillError('FEEDMILL_CLI_USAGE', `${(err as Error).message}\nusage: ${command.usage}`, { command: command.name }, { cause: err });
  }
  const { 'data-dir': dataDir, 'staging-dir': stagingDir, json, help, 'log-level': logLevel, ...values } = parsed.values;
  if (help) {
    io.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  const quiet = command.daemon !== true && process.env.FEEDMILL_LOG_LEVEL === undefined ? 'warn' : undefined;
  const overrides: ConfigOverrides = {
    dataDir: dataDir as string | undefined,
    stagingDir: stagingDir as string | undefined,
    logLevel: (logLevel as string | undefined) ?? quiet,
  };
  const config = loadConfig(overrides);
  const log = createLogger(config.logLevel).child({ command: command.name });
  return command.run({ config, log, io, values, positionals: parsed.positionals, json: json === true });
}

