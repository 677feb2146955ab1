/**
 * What a parallel CSV load needs to know before it starts: whether the dialect can be cut at the
 * byte level, and the header record with the byte and line where the data starts.
 */
import { decodeSample, type DetectedEncoding } from '../decode.js';
import { CsvEngine, type CsvDialect } from './engine.js';

/**
 * The boundary scanner reads single ASCII bytes and cuts after LF: other dialects (and files whose
 * records end at a lone CR, rare enough not to need two threads) load on one thread.
 */
export function byteScannable(d: CsvDialect): boolean {
  const ascii = (c: string) => c.length === 1 && c.charCodeAt(0) < 0x80 && c !== '\n' && c !== '\r';
  return d.lineEnd !== 'cr' && ascii(d.delimiter) && (d.quote === null || (ascii(d.quote) && d.quote !== d.delimiter));
}

/**
 * The header record of a CSV, parsed from the sniffed head: its fields, its line, and where the data
 * starts (the byte after the LF that ends it, and that line). Undefined when the head holds no
 * complete header (the parallel load then is not used). `skipRecords`: records before the header
 * (an Excel `sep=` line).
 */
export function readHeader(
  head: Buffer,
  detected: DetectedEncoding,
  dialect: CsvDialect,
  skipRecords = 0,
): { fields: string[]; line: number; dataStart: number; dataLine: number } | undefined {
  const { bom } = detected;
  let first: { fields: string[]; line: number; raw: string } | undefined;
  let skip = skipRecords;
  const engine = new CsvEngine(dialect, (fields, line, raw) => {
    if (skip > 0) skip--;
    else first ??= { fields, line, raw };
  });
  const text = decodeSample(head.subarray(bom), detected.encoding);
  engine.push(text);
  if (first === undefined) return undefined;
  const header: { fields: string[]; line: number; raw: string } = first;
  // The header ends on line `line + newlines inside it`; the data starts after that line's LF.
  let lf = header.line - 1 + header.raw.split('\n').length;
  let at = bom;
  while (lf > 0) {
    const i = head.indexOf(0x0a, at);
    if (i === -1) return undefined;
    at = i + 1;
    lf--;
  }
  return { fields: header.fields, line: header.line, dataStart: at, dataLine: header.line + header.raw.split('\n').length };
}

