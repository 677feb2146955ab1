/**
 * Reading rule file text: JSON or YAML (chosen by `format`, else by the file extension, else by
 * the first character), with syntax errors reported by line and column. YAML is read with the
 * core schema (no custom tags, no code), unique keys and a cap on alias expansion.
 */
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { FeedmillError } from '../../errors.js';
import type { RuleSetSpec } from './types.js';
import { validateRuleSet } from './validate.js';

export type RuleFormat = 'json' | 'yaml';

export interface RuleSource {
  /** Where the text came from, for messages and to pick the format by extension. */
  path?: string;
  format?: RuleFormat;
}

/** Rule files are small; a category table of a million rows fits well under this. */
export const MAX_RULE_TEXT = 64 * 1024 * 1024;

export function detectFormat(text: string, source: RuleSource): RuleFormat {
  if (source.format !== undefined) return source.format;
  const ext = source.path === undefined ? '' : extname(source.path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\uFEFF?\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function syntaxError(source: RuleSource, format: RuleFormat, line: number | undefined, column: number | undefined, reason: string, cause: unknown): FeedmillError {
  const where = line === undefined ? '' : `:${line}${column === undefined ? '' : `:${column}`}`;
  return new FeedmillError(
    'FEEDMILL_RULES_INVALID',
    `${source.path ?? 'rule file'}${where}: not valid ${format.toUpperCase()}: ${reason}`,
    { ...(source.path !== undefined ? { source: source.path } : {}), format, line, column, field: '', path: '', index: null, expected: `valid ${format.toUpperCase()}` },
    { cause },
  );
}

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** Text → plain value, without validation. */
export function parseRuleText(text: string, source: RuleSource = {}): unknown {
  const format = detectFormat(text, source);
  if (text.length > MAX_RULE_TEXT) {
    throw new FeedmillError('FEEDMILL_RULES_INVALID', `${source.path ?? 'rule file'}: larger than ${MAX_RULE_TEXT} characters`, {
      ...(source.path !== undefined ? { source: source.path } : {}),
      field: '',
      path: '',
      index: null,
      expected: `at most ${MAX_RULE_TEXT} characters`,
    });
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'json') {
    try {
      return body.trim() === '' ? null : JSON.parse(body);
    } catch (err) {
      // Node 20's JSON errors give a position only sometimes; the YAML parser (JSON is YAML) finds one.
      const m = /position (\d+)/.exec((err as Error).message);
      const offset = m ? Number(m[1]) : parseDocument(body, { schema: 'core' }).errors[0]?.pos[0];
      const pos = offset === undefined ? undefined : lineColumnAt(body, offset);
      throw syntaxError(source, format, pos?.line, pos?.column, (err as Error).message, err);
    }
  }
  const doc = parseDocument(body, { schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lineColumnAt(body, first.pos[0]);
    throw syntaxError(source, format, pos.line, pos.column, first.message.split('\n')[0] ?? first.code, first);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw syntaxError(source, format, undefined, undefined, (err as Error).message, err);
  }
}

/**
 * Parses and validates rule file text into the canonical spec. Category `file` references stay
 * unresolved (no I/O here): use loadRuleFile, or resolveRuleFiles before compiling.
 */
export function parseRuleSet(text: string, source: RuleSource = {}): RuleSetSpec {
  return validateRuleSet(parseRuleText(text, source), source.path);
}
