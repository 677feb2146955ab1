/**
 * Text encodings: UTF-8 (with or without BOM), UTF-16 LE/BE, Windows-1252 / ISO-8859-1, Mac Roman,
 * and, when declared, ISO-8859-15, ISO-8859-2, Windows-1250 and Windows-1251.
 *
 * Detection, in order: a BOM; zero bytes in the UTF-16 pattern; an explicit choice or an XML
 * declaration's `encoding=`; otherwise UTF-8 when the first chunk is valid UTF-8, else Windows-1252
 * (the common case: French Excel exports) or, when its text reads clearly better so, Mac Roman
 * (Excel for Mac's "CSV (Macintosh)"; see legacy-encoding.ts). A charset the server or the uploader
 * declared (HTTP `Content-Type`) is a hint for the two cases the bytes cannot settle: a first chunk
 * that is plain ASCII, and one that is not UTF-8 (ISO-8859-2 cannot be told from Windows-1252 by its
 * bytes). Servers often declare a default charset whatever the file holds, so a hint never overrides
 * a BOM, an XML declaration or non-ASCII text that is valid UTF-8. UTF-8 and UTF-16 are decoded in
 * fatal mode, so invalid bytes later in the file fail it with their byte offset instead of slipping
 * in as U+FFFD; the single-byte encodings give a character for every byte.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { FeedmillError } from '../errors.js';
import { guessSingleByteEncoding, isSingleByte, type SingleByteEncoding } from './legacy-encoding.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | SingleByteEncoding;

const ALIASES: Record<string, TextEncodingName> = {
  'utf-8': 'utf-8', utf8: 'utf-8',
  'utf-16': 'utf-16le', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be',
  // WHATWG maps ISO-8859-1 and ASCII to Windows-1252, a superset for every printable byte.
  'windows-1252': 'windows-1252', cp1252: 'windows-1252', 'iso-8859-1': 'windows-1252', latin1: 'windows-1252',
  'us-ascii': 'windows-1252', ascii: 'windows-1252',
  // Not Windows-1252: ISO-8859-15 (Latin-9, French shops' € and œ) differs from it at 8 bytes
  // (0xA4 is €, not ¤; 0xBD œ, not ½), so reading it as 1252 corrupted text silently.
  'iso-8859-15': 'iso-8859-15', latin9: 'iso-8859-15', 'latin-9': 'iso-8859-15', l9: 'iso-8859-15',
  'iso-8859-2': 'iso-8859-2', latin2: 'iso-8859-2', 'latin-2': 'iso-8859-2', l2: 'iso-8859-2',
  'windows-1250': 'windows-1250', cp1250: 'windows-1250', 'windows-1251': 'windows-1251', cp1251: 'windows-1251',
  macintosh: 'macintosh', mac: 'macintosh', macroman: 'macintosh', 'mac-roman': 'macintosh', 'x-mac-roman': 'macintosh',
};

/** The alias table's key for an encoding name: ISO_8859-15, ISO8859-15 and iso-8859-15 are all written in the wild. */
function aliasKey(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-').replace(/^iso-?8859-?/, 'iso-8859-');
}

export function normalizeEncoding(name: string): TextEncodingName {
  const e = ALIASES[aliasKey(name)];
  if (e === undefined) {
    throw new FeedmillError('FEEDMILL_ENCODING_INVALID', `encoding ${JSON.stringify(name)} is not supported; use utf-8, utf-16le, utf-16be, windows-1252, iso-8859-15, macintosh, iso-8859-2, windows-1250 or windows-1251`, {
      encoding: name,
    });
  }
  return e;
}

/**
 * All of `bytes` as text (a sample: no check, no carry). Decoded as a stream chunk on purpose: since
 * Node 20.18.3 a one-shot `TextDecoder('windows-1252').decode()` takes a Latin-1 fast path that
 * loses bytes 0x80-0x9F (€, ’, –, Œ...; nodejs/node#60888), while the streaming path maps them right.
 */
export function decodeSample(bytes: Uint8Array, encoding: string): string {
  return new TextDecoder(encoding).decode(bytes, { stream: true });
}

/**
 * UTF-8 or a single-byte encoding: ASCII-compatible, so '<', '>', quotes, delimiters and line ends
 * never occur inside another character, and a file can be cut on its bytes (parallel loads).
 */
export function isByteCuttable(encoding: TextEncodingName): encoding is 'utf-8' | SingleByteEncoding {
  return encoding === 'utf-8' || isSingleByte(encoding);
}

/**
 * Whether a CSV in this encoding can be cut between records without decoding it: bytes for the
 * ASCII-compatible encodings, 16-bit units for UTF-16 (see CsvBoundaryScanner).
 */
export function isUnitCuttable(encoding: TextEncodingName): boolean {
  return isByteCuttable(encoding) || encoding === 'utf-16le' || encoding === 'utf-16be';
}

/**
 * How many source bytes a decoded text took, so that offsets in rejects and errors point into the
 * file as it is: UTF-8 length; two bytes per UTF-16 unit; one per character in a single-byte
 * encoding (all of whose characters are single UTF-16 units).
 */
export function sourceLength(encoding: TextEncodingName): (text: string) => number {
  if (encoding === 'utf-8') return Buffer.byteLength;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return (text) => 2 * text.length;
  return (text) => text.length;
}

export interface DetectedEncoding {
  encoding: TextEncodingName;
  /** Bytes of BOM to skip. */
  bom: number;
}

/** The `charset` parameter of a `Content-Type` header (`text/csv; charset=ISO-8859-2`), as written. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  if (contentType === null || contentType === undefined) return undefined;
  return /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})"?/i.exec(contentType)?.[1];
}

/**
 * A declared charset as a detection hint: a supported single-byte encoding, or undefined for none,
 * UTF-8 or UTF-16 (which the bytes show by themselves), or a charset feedmill does not read
 * (detection then proceeds as without a hint).
 */
export function singleByteHint(name: string | undefined): SingleByteEncoding | undefined {
  if (name === undefined) return undefined;
  const key = aliasKey(name);
  const e = ALIASES[key];
  // us-ascii is an alias of Windows-1252 for declared XML; as a server default it says nothing.
  return e !== undefined && isSingleByte(e) && key !== 'us-ascii' && key !== 'ascii' ? e : undefined;
}

export function detectEncoding(head: Buffer, explicit?: string, hint?: SingleByteEncoding): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (explicit !== undefined) return { encoding: normalizeEncoding(explicit), bom: 0 };
  // UTF-16 without BOM: ASCII text leaves every other byte zero.
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZero++;
      if (head[i + 1] === 0) oddZero++;
    }
    if (oddZero > n / 4 && evenZero === 0) return { encoding: 'utf-16le', bom: 0 };
    if (evenZero > n / 4 && oddZero === 0) return { encoding: 'utf-16be', bom: 0 };
  }
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.subarray(0, 200).toString('latin1'));
  if (declared?.[1] !== undefined) return { encoding: normalizeEncoding(declared[1]), bom: 0 };
  if (firstInvalidUtf8(head, true) !== -1) return { encoding: hint ?? guessSingleByteEncoding(head), bom: 0 };
  // Valid UTF-8: non-ASCII text in it is UTF-8 whatever a server says; plain ASCII could be either,
  // and a Latin-2 letter further on would fail a UTF-8 read.
  return { encoding: hint !== undefined && isAscii(head) ? hint : 'utf-8', bom: 0 };
}


/**
 * Offset of the first byte that is not valid UTF-8, or -1. With `allowTruncatedEnd`, a multi-byte
 * sequence cut by the end of the buffer is not an error (the next chunk completes it).
 */
export function firstInvalidUtf8(buf: Buffer, allowTruncatedEnd: boolean): number {
  const len = buf.length;
  let i = 0;
  while (i < len) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= len) {
      // The sequence is cut by the end of the buffer.
      if (!allowTruncatedEnd) return i;
      for (let k = i + 1; k < len; k++) if (((buf[k] as number) & 0xc0) !== 0x80) return i;
      return -1;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * A streaming decoder that reports the byte offset of invalid input.
 *
 * UTF-8, by far the common case, takes a faster road than a fatal TextDecoder: `isUtf8()` validates
 * a chunk with SIMD and `toString('utf8')` decodes it, the bytes of a character cut by the chunk end
 * being carried to the next chunk.
 */
export class StreamDecoder {
  readonly encoding: TextEncodingName;
  readonly #decoder: InstanceType<typeof TextDecoder> | undefined;
  #bytes = 0;
  #skip: number;
  #carry: Buffer | undefined;
  #textBytes: number | undefined;

  /** `startByte`: offset of the first byte given, when decoding a chunk of a larger file. */
  constructor(detected: DetectedEncoding, startByte = 0) {
    this.#bytes = startByte;
    this.encoding = detected.encoding;
    this.#skip = detected.bom;
    this.#decoder =
      detected.encoding === 'utf-8'
        ? undefined
        : new TextDecoder(detected.encoding, { fatal: !isSingleByte(detected.encoding), ignoreBOM: true });
  }

  /**
   * The UTF-8 length of the text the last `decode` returned, when known without measuring it (UTF-8
   * input: the bytes it came from), else undefined.
   */
  get textBytes(): number | undefined {
    return this.#textBytes;
  }

  /** Bytes consumed so far (including the BOM). */
  get bytes(): number {
    return this.#bytes;
  }

  decode(chunk: Buffer): string {
    let input = chunk;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, input.length);
      input = input.subarray(n);
      this.#skip -= n;
    }
    const start = this.#bytes + (chunk.length - input.length);
    this.#bytes += chunk.length;
    if (this.#decoder === undefined) return this.#utf8(input, start);
    try {
      return this.#decoder.decode(input, { stream: true });
    } catch (e) {
      throw this.#invalid(input, start, e);
    }
  }

  end(): string {
    if (this.#decoder === undefined) {
      if (this.#carry !== undefined && this.#carry.length > 0) throw this.#invalid(this.#carry, this.#bytes - this.#carry.length, undefined);
      return '';
    }
    try {
      return this.#decoder.decode();
    } catch (e) {
      throw this.#invalid(Buffer.alloc(0), this.#bytes, e);
    }
  }

  #utf8(input: Buffer, inputStart: number): string {
    const carried = this.#carry;
    const buf = carried === undefined ? input : Buffer.concat([carried, input]);
    const bufStart = inputStart - (carried?.length ?? 0);
    const end = completeUtf8End(buf);
    this.#carry = end === buf.length ? undefined : Buffer.from(buf.subarray(end));
    const body = end === buf.length ? buf : buf.subarray(0, end);
    if (!isUtf8(body)) throw this.#invalid(body, bufStart, undefined);
    this.#textBytes = body.length;
    return body.toString('utf8');
  }

  #invalid(chunk: Buffer, chunkStart: number, cause: unknown): FeedmillError {
    const at = this.encoding === 'utf-8' ? firstInvalidUtf8(chunk, false) : -1;
    const offset = at === -1 ? chunkStart : chunkStart + at;
    return new FeedmillError(
      'FEEDMILL_ENCODING_INVALID',
      `the bytes at offset ${offset} are not valid ${this.encoding}: the file mixes encodings; re-export it in UTF-8, or pass --encoding windows-1252 if it is a Windows export`,
      { encoding: this.encoding, byteOffset: offset },
      cause === undefined ? {} : { cause },
    );
  }
}

/**
 * Bytes are decoded and parsed in pieces of at most 48 KiB: V8 places strings over ~64 K characters
 * in its large-object space, where each one costs a page mapping, and decoding 1 MiB chunks ran at
 * ~110 MB/s where 48 KiB pieces run at ~700 MB/s on the same text (measured here). Pieces this
 * small also keep the parser's carry-over buffer out of that space.
 */
export const DECODE_PIECE = 48 * 1024;

/**
 * Pieces end at the first newline past this many bytes (when one comes before DECODE_PIECE). V8
 * stores a string in one byte per character only when all of it is Latin-1; one '€' or '’' in a
 * 48 KiB piece makes the whole piece, and every field sliced from it, two bytes per character.
 * Pieces of a few records keep most records' fields one-byte, which SQLite's binding (UTF-8 length,
 * then UTF-8 copy), trimming and searching all read faster. A newline byte never lies inside a
 * UTF-8 character, and a piece ending at one rarely leaves the CSV parser a partial record to carry.
 */
export const DECODE_TARGET = 4 * 1024;

const LF = 0x0a;

/** Decodes `bytes` in pieces (see DECODE_PIECE, DECODE_TARGET), handing each text on with its UTF-8 length when known. */
export function decodeInPieces(decoder: StreamDecoder, bytes: Buffer, push: (text: string, textBytes: number | undefined) => void): void {
  const len = bytes.length;
  for (let i = 0; i < len; ) {
    let end = Math.min(len, i + DECODE_PIECE);
    if (i + DECODE_TARGET < end) {
      // Searched in a view: a search running on to the end of a chunk with no newline would be quadratic.
      const nl = bytes.subarray(i + DECODE_TARGET, end).indexOf(LF);
      if (nl !== -1) end = i + DECODE_TARGET + nl + 1;
    }
    const text = decoder.decode(bytes.subarray(i, end));
    push(text, decoder.textBytes);
    i = end;
  }
}

/** Length of `buf` without a trailing, incomplete UTF-8 sequence (at most 3 bytes are held back). */
function completeUtf8End(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= 3 && back <= len; back++) {
    const b = buf[len - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}
