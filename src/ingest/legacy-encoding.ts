/**
 * Which single-byte encoding a file that is not UTF-8 was written in: Windows-1252 (Excel for
 * Windows, most shop back-offices) or Mac Roman (Excel for Mac's "CSV (Macintosh)", old Mac tools).
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

export function guessSingleByteEncoding(head: Uint8Array): 'windows-1252' | 'macintosh' {
  const win = oddities(decode(head, 'windows-1252'));
  const mac = oddities(decode(head, 'macintosh'));
  return mac <= win * MAC_SHARE && win - mac >= MAC_MARGIN ? 'macintosh' : 'windows-1252';
}

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
