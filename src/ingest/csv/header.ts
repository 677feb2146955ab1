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
    at = afterLf(head, at, detected.encoding, bom);
    if (at === -1) return undefined;
    lf--;
  }
  return { fields: header.fields, line: header.line, dataStart: at, dataLine: header.line + header.raw.split('\n').length };
}

const LF_UTF16LE = Buffer.from([0x0a, 0x00]);
const LF_UTF16BE = Buffer.from([0x00, 0x0a]);

/**
 * The offset just past the next LF at or after `at`, -1 when there is none. In UTF-16 an LF is a
 * whole unit (`0A 00` little-endian), at an even distance from the text's start: a `0A` byte
 * elsewhere is half of another character (U+010A is `0A 01`).
 */
function afterLf(head: Buffer, at: number, encoding: string, textStart: number): number {
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be') {
    const i = head.indexOf(0x0a, at);
    return i === -1 ? -1 : i + 1;
  }
  const lf = encoding === 'utf-16le' ? LF_UTF16LE : LF_UTF16BE;
  for (let i = head.indexOf(lf, at); i !== -1; i = head.indexOf(lf, i + 1)) {
    if ((i - textStart) % 2 === 0) return i + 2;
  }
  return -1;
}
