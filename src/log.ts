/**
 * Structured JSON logs on stderr, one line per event, through child loggers bound to context
 * (`{ catalog, task, stage }`). Log per batch, never per record: a 40 M-offer ingest must not
 * write 40 M lines.
 */
import type { LogLevel } from './config.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(
  level: LogLevel,
  bindings: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const max = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] > max) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...bindings, ...fields }, redact) + '\n');
  };
  return {
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
    debug: (m, f) => emit('debug', m, f),
    child: (b) => createLogger(level, { ...bindings, ...b }, write),
  };
}

/** Tokens never reach a log line, whatever field they hide in. */
function redact(key: string, value: unknown): unknown {
  if (/token|secret|password|authorization/i.test(key) && typeof value === 'string') return '[redacted]';
  return value;
}

export const silentLogger: Logger = createLogger('silent');
