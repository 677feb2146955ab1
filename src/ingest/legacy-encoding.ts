/**
 * Which single-byte encoding a file that is not UTF-8 was written in: Windows-1252 (Excel for
 * Windows, most shop back-offices), Mac Roman (Excel for Mac's "CSV (Macintosh)", old Mac tools),
 * or ISO-8859-15 (older French systems, for its €; see latin9Reads).
 *
 * Both map every byte to a character, so decoding never fails and a wrong guess corrupts silently:
 * Mac Roman's `é` (0x8E) reads as `Ž` in Windows-1252, Windows-1252's `é` (0xE9) as `È` in Mac
 * Roman. The guess decodes the head both ways and counts what human text rarely holds inside a
 * word: a capital followed by a small letter after another letter (`GrŽce`, `MŠdchen`), or a
 * control or symbol between two letters (`ma•s`). Mac Roman is chosen only when it reads clearly
 * better; otherwise Windows-1252, the long-standing default. What this cannot see stays Windows-1252:
 * Mac Roman's `ñ ó í ö` read as `– — ’ š`, which text holds between letters too ("don’t").
 */
/**
 * The single-byte encodings a source may be declared in (`--encoding`, an XML declaration). All are
 * ASCII-compatible (so a file can be cut on its bytes) and WHATWG maps every byte of each to a
 * character, so decoding never yields U+FFFD. Only the first two are ever guessed.
 */
export const SINGLE_BYTE_ENCODINGS = ['windows-1252', 'macintosh', 'iso-8859-15', 'iso-8859-2', 'windows-1250', 'windows-1251'] as const;
export type SingleByteEncoding = (typeof SINGLE_BYTE_ENCODINGS)[number];

export function isSingleByte(encoding: string): encoding is SingleByteEncoding {
  return (SINGLE_BYTE_ENCODINGS as readonly string[]).includes(encoding);
}

const LETTER = /\p{L}/u;
const SMALL = /\p{Ll}/u;
const CAPITAL = /\p{Lu}/u;
/** May stand inside a word: apostrophes, hyphens and dashes, the middle dot. */
const WORD_JOINER = /[\u2018\u2019\u00b7\p{Pd}]/u;
/** Mac Roman must score at most this share of Windows-1252's oddities, and be lower by this many. */
const MAC_SHARE = 0.5;
const MAC_MARGIN = 2;

/** The bytes where ISO-8859-15 (Latin-9) and Windows-1252 differ: € Š š Ž ž Œ œ Ÿ against ¤ ¦ ¨ ´ ¸ ¼ ½ ¾. */
const LATIN9_BYTES = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

export function guessSingleByteEncoding(head: Uint8Array): 'windows-1252' | 'macintosh' | 'iso-8859-15' {
  if (latin9Reads(head)) return 'iso-8859-15';
  const win = oddities(decode(head, 'windows-1252'));
  const mac = oddities(decode(head, 'macintosh'));
  return mac <= win * MAC_SHARE && win - mac >= MAC_MARGIN ? 'macintosh' : 'windows-1252';
}

/**
 * ISO-8859-15, which French systems used for its € (at 0xA4) and œ (0xBD), reads like Windows-1252
 * except at eight bytes. It is taken only when the head uses some of them, holds none of
 * 0x80-0x9F (Windows-1252's ’ € – œ..., control characters in Latin-9, and Mac Roman's accents),
 * shows what Windows-1252 text does not write (a `¤`, which no text uses, or a `¼ ½ ¾` touching a
 * letter: `c½ur`, `¼ufs`, where fractions stand by digits), and reads no worse as Latin-9.
 */
function latin9Reads(head: Uint8Array): boolean {
  let differing = false;
  for (const b of head) {
    if (b >= 0x80 && b <= 0x9f) return false;
    if (LATIN9_BYTES.has(b)) differing = true;
  }
  if (!differing) return false;
  const asWin = decode(head, 'windows-1252');
  const evidence = (asWin.match(LATIN9_TELLS) ?? []).length;
  return evidence > 0 && oddities(decode(head, 'iso-8859-15')) <= oddities(asWin);
}

/** In a Windows-1252 reading: the currency sign, or a fraction next to a letter. */
const LATIN9_TELLS = /\u00a4|(?<=\p{L})[\u00bc-\u00be]|[\u00bc-\u00be](?=\p{L})/gu;

/** Characters past ASCII that sit between two letters where a word would not have them. */
function oddities(text: string): number {
  let n = 0;
  for (let i = 1; i + 1 < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    const prev = text[i - 1] as string;
    const next = text[i + 1] as string;
    if (!LETTER.test(prev) || !LETTER.test(next)) continue;
    const c = text[i] as string;
    if (SMALL.test(c) || WORD_JOINER.test(c)) continue;
    if (CAPITAL.test(c)) {
      if (SMALL.test(next)) n++;
      continue;
    }
    n++;
  }
  return n;
}

/** As decodeSample in decode.ts (the streaming path: Node 20's one-shot windows-1252 decode loses 0x80-0x9F). */
function decode(bytes: Uint8Array, encoding: SingleByteEncoding): string {
  return new TextDecoder(encoding).decode(bytes, { stream: true });
}
