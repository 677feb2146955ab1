/**
 * Format sniffing on the first decoded text: XML or CSV/TSV, and for CSV the dialect (delimiter
 * among `, ; \t |`, quote). Decided once from a sample, so the hot loop never re-checks.
 */
import { FeedmillError } from '../errors.js';
import type { CsvDialect } from './csv/engine.js';

export type SourceFormat = 'csv' | 'xml';

const DELIMITERS = [',', ';', '\t', '|'] as const;

export function sniffFormat(sample: string, head?: Uint8Array): SourceFormat {
  const t = sample.replace(/^\uFEFF/, '').trimStart();
  // A web page where a catalog was expected: a shop's login or error page answered the export URL.
  if (/^<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(t.replace(/^<\?xml[^>]*\?>\s*/, ''))) {
    const title = /<title[^>]*>([^<]{1,120})</i.exec(t)?.[1]?.trim();
    throw new FeedmillError(
      'FEEDMILL_FORMAT_UNKNOWN',
      `the source is an HTML page${title ? ` ("${title}")` : ''}, not a catalog: a login or error page answered in its place? Check the export URL and its access rights`,
      { kind: 'html', ...(title ? { title } : {}) },
    );
  }
  if (t.startsWith('<')) return 'xml';
  if (t === '') throw new FeedmillError('FEEDMILL_SOURCE_EMPTY', 'the source holds no text; check that the export did not fail', {});
  // JSON (an API answer, a JSON export): never a CSV header, which starts with a column name.
  if (/^(\{\s*("|\}|$)|\[\s*(\{|\[|"|\]|$))/.test(t)) {
    throw new FeedmillError('FEEDMILL_FORMAT_UNKNOWN', 'the source is JSON; feedmill reads CSV/TSV and XML catalogs: send the shop\'s CSV or XML product export', { kind: 'json' });
  }
  // A Ctrl-Z ending a small file is the DOS end-of-file mark (CsvEngine drops it), not binary data.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(t.slice(0, 4096).replace(/\u001a$/, ''))) {
    const what = head === undefined ? undefined : binaryKind(head);
    throw new FeedmillError('FEEDMILL_FORMAT_UNKNOWN', `the source is ${what ?? 'binary, not CSV or XML (an Excel file? export it as CSV)'}`, what === undefined ? {} : { kind: what });
  }
  return 'csv';
}

/** Binary files that get sent as catalogs, by their magic bytes (after any gzip layer). */
function binaryKind(head: Uint8Array): string | undefined {
  const at = (offset: number, magic: readonly number[]) => magic.every((b, i) => head[offset + i] === b);
  if (at(257, [0x75, 0x73, 0x74, 0x61, 0x72])) return 'a tar archive (.tar, .tar.gz): send the catalog file alone, gzipped or zipped';
  if (at(0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'an old Office file (an Excel .xls workbook?): save it as CSV UTF-8 and send that';
  if (at(0, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document, not a catalog export: send the CSV or XML export';
  if (at(0, [0x89, 0x50, 0x4e, 0x47]) || at(0, [0xff, 0xd8, 0xff]) || at(0, [0x47, 0x49, 0x46, 0x38])) return 'an image, not a catalog export: send the CSV or XML export';
  return undefined;
}

/**
 * The delimiter named by Excel's hint line (`sep=;` alone on the first line, which Excel reads to
 * split the columns and some exporters write for it), or undefined. The line is not the header.
 */
export function excelSepDelimiter(sample: string): string | undefined {
  return EXCEL_SEP_LINE.exec(sample)?.[1];
}

const EXCEL_SEP_LINE = /^\uFEFF?sep=([^\r\n"])(?:\r\n|\n|\r)/i;

/**
 * Picks the delimiter whose count (outside quotes) is the same non-zero number on most sample lines;
 * ties go to the larger count. The last sample line may be cut, so it is left out.
 */
export function sniffDialect(sample: string, explicitDelimiter?: string): CsvDialect {
  const text = sample.replace(/^\uFEFF/, '');
  const lineEnd = sniffLineEnd(text) === '\r' ? ({ lineEnd: 'cr' } as const) : {};
  if (explicitDelimiter !== undefined) {
    const d = explicitDelimiter === '\\t' || explicitDelimiter === 'tab' ? '\t' : explicitDelimiter;
    if (d.length !== 1) throw new FeedmillError('FEEDMILL_CONFIG_INVALID', `--delimiter must be one character, got ${JSON.stringify(explicitDelimiter)}`, { key: 'delimiter' });
    return { delimiter: d, quote: '"', ...lineEnd };
  }
  const lines = logicalLines(text, 50, lineEnd.lineEnd === 'cr' ? '\r' : '\n');
  const usable = lines.length > 1 ? lines.slice(0, -1) : lines;
  let best: { delimiter: string; score: number; count: number } = { delimiter: ',', score: -1, count: 0 };
  for (const d of DELIMITERS) {
    const counts = usable.map((l) => countOutsideQuotes(l, d));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const agreeing = counts.filter((c) => c === header).length;
    const score = agreeing / counts.length;
    if (score > best.score || (score === best.score && header > best.count)) best = { delimiter: d, score, count: header };
  }
  return { delimiter: best.delimiter, quote: '"', ...lineEnd };
}

/**
 * The record end of a CSV as csv-parse discovers it: the first line end outside quotes decides
 * between `\r\n`, `\n` and a lone `\r` (classic Mac, Excel for Mac's "CSV (Macintosh)").
 * Undefined when the sample holds none (a one-line file), or ends on a CR that could start a CR LF.
 */
export function sniffLineEnd(text: string): '\n' | '\r\n' | '\r' | undefined {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inQuote = !inQuote;
    else if (inQuote) continue;
    else if (c === 0x0a) return '\n';
    else if (c === 0x0d) {
      if (i + 1 >= text.length) return undefined;
      return text.charCodeAt(i + 1) === 0x0a ? '\r\n' : '\r';
    }
  }
  return undefined;
}

/** Splits on line ends (`eol`) that are outside quotes (a quoted field may hold newlines). */
function logicalLines(text: string, max: number, eol: '\n' | '\r'): string[] {
  const out: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === eol && !inQuote) {
      const line = text.slice(start, i).replace(/\r$/, '');
      if (line !== '') out.push(line);
      start = i + 1;
    }
  }
  if (out.length < max && start < text.length) out.push(text.slice(start));
  return out;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === d && !inQuote) n++;
  }
  return n;
}

/**
 * A header row names columns: no empty names after the first few, mostly not numbers or URLs.
 * A file that starts with data instead fails with FEEDMILL_CSV_NO_HEADER.
 */
export function assertHeader(header: readonly string[], line: number): void {
  const names = header.map((h) => h.trim());
  const dataLike = names.filter((h) => /^-?\d+([.,]\d+)?$/.test(h) || /^https?:\/\//i.test(h)).length;
  if (names.every((h) => h === '') || dataLike > names.length / 2) {
    throw new FeedmillError(
      'FEEDMILL_CSV_NO_HEADER',
      `line ${line} looks like data, not a header naming the columns (${names.slice(0, 5).join(', ')}); add a header row`,
      { line, header: names.slice(0, 20) },
    );
  }
}
