/**
 * Reading a rule file from disk, with the category CSV files it names. The files are read here,
 * on the main thread, and their rows merged into the spec, so that workers receive one plain
 * JSON value and never touch the file system for rules.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { FeedmillError } from '../../errors.js';
import { categoryKey, MAX_TABLE_ROWS } from './kinds/category.js';
import { parseRuleSet } from './parse.js';
import type { CategoryRule, RuleSetSpec, RuleSpec } from './types.js';

const HEADER_NAMES = new Set(['category', 'merchant_category', 'merchant category', 'path', 'from', 'product_type', 'merchant_path']);

function readText(path: string, what: string, details: Record<string, unknown>): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FeedmillError(
      'FEEDMILL_RULES_NOT_FOUND',
      `cannot read the ${what} ${path}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (err as Error).message}`}`,
      { ...details, file: path, reason: code ?? 'unknown' },
      { cause: err },
    );
  }
}

function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (firstLine.includes('\t')) return '\t';
  if (firstLine.includes(';')) return ';';
  return ',';
}

/**
 * Reads a two-column category table: merchant path, channel id (a header row naming the first
 * column `category`, `path`, `from`, `product_type` or `merchant_category` is skipped). Comma,
 * semicolon or tab separated, UTF-8 with or without BOM; extra columns are ignored.
 */
export function readCategoryTable(path: string, separator = '>', where: Record<string, unknown> = {}): Record<string, string> {
  const text = readText(path, 'category table', where);
  const invalid = (line: number | undefined, expected: string, got?: unknown, cause?: unknown) =>
    new FeedmillError(
      'FEEDMILL_RULES_INVALID',
      `${path}${line === undefined ? '' : `:${line}`}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`,
      { ...where, field: 'file', file: path, line, expected, ...(got === undefined ? {} : { got }) },
      cause === undefined ? {} : { cause },
    );
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      delimiter: sniffDelimiter(text.replace(/^\uFEFF/, '')),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw invalid((err as { lines?: number }).lines, 'a valid CSV file (path, id per row)', undefined, err);
  }
  if (records.length > MAX_TABLE_ROWS + 1) throw invalid(undefined, `at most ${MAX_TABLE_ROWS} rows`);
  const table: Record<string, string> = {};
  const seen = new Map<string, number>();
  records.forEach(({ record, info }, i) => {
    const [from, to] = record;
    if (i === 0 && from !== undefined && HEADER_NAMES.has(from.toLowerCase())) return;
    if (from === undefined || to === undefined || from === '' || to === '') {
      throw invalid(info.lines, 'two non-empty columns: merchant category path, channel id', record.join(','));
    }
    const key = categoryKey(from, separator);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw invalid(info.lines, `one row per path (line ${earlier} has the same path)`, from);
    if (from === '__proto__') throw invalid(info.lines, 'a merchant category path', from);
    seen.set(key, info.lines);
    table[from] = to;
  });
  return table;
}

function resolveRules(rules: RuleSpec[], section: string, prefix: string, baseDir: string): RuleSpec[] {
  return rules.map((rule, index) => {
    if (!('category' in rule) || rule.category.file === undefined) return rule;
    const { file, ...body } = rule.category;
    const separator = body.separator ?? '>';
    const where = { section, index, rule: rule.name ?? null, path: `${prefix}[${index}].category.file` };
    const fromFile = readCategoryTable(join(baseDir, file), separator, where);
    // Inline rows win over the file's rows for the same path: the file is shared, the inline row is the exception.
    const inlineKeys = new Set(Object.keys(body.table).map((p) => categoryKey(p, separator)));
    const table: Record<string, string> = {};
    for (const [p, id] of Object.entries(fromFile)) if (!inlineKeys.has(categoryKey(p, separator))) table[p] = id;
    Object.assign(table, body.table);
    const resolved: CategoryRule = { ...rule, category: { ...body, table } };
    return resolved;
  });
}

/** Reads every category `file` relative to `baseDir` into its rule's `table`; returns a new spec. */
export function resolveRuleFiles(spec: RuleSetSpec, baseDir: string): RuleSetSpec {
  const channels: Record<string, RuleSpec[]> = {};
  for (const [name, rules] of Object.entries(spec.channels)) channels[name] = resolveRules(rules, name, `channels.${name}`, baseDir);
  return { version: spec.version, all: resolveRules(spec.all, 'all', 'all', baseDir), channels };
}

/** Reads, parses and validates a rule file (.json, .yaml or .yml) and the category tables it names. */
export function loadRuleFile(path: string): RuleSetSpec {
  const text = readText(path, 'rule file', {});
  return resolveRuleFiles(parseRuleSet(text, { path }), dirname(path));
}
