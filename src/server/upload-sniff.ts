/**
 * Is this the start of a catalog? Decided on the first bytes of an upload, before it is stored:
 * gzip and zip by their magic numbers (the ingest opens both), else text that could be CSV or XML
 * (no control bytes once a byte-order mark is skipped). Everything else (PDF, images, executables,
 * spreadsheets saved as .xls) is refused with 415 before it costs disk space.
 */
export type UploadKind = 'gzip' | 'zip' | 'xml' | 'csv';

/** Bytes looked at; an upload shorter than this is judged on what it has. */
export const SNIFF_BYTES = 512;

export function sniffUpload(head: Buffer): UploadKind | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return undefined;
  let text = head;
  if (text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) text = text.subarray(3);
  else if ((text[0] === 0xff && text[1] === 0xfe) || (text[0] === 0xfe && text[1] === 0xff)) return utf16Kind(text);
  for (const b of text) {
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f) return undefined;
  }
  const first = text.toString('latin1').trimStart()[0];
  if (first === undefined) return undefined;
  return first === '<' ? 'xml' : 'csv';
}

/** UTF-16 text (with its BOM): control bytes are judged on the decoded characters. */
function utf16Kind(head: Buffer): UploadKind | undefined {
  const le = head[0] === 0xff;
  const chars: number[] = [];
  for (let i = 2; i + 1 < head.length; i += 2) chars.push(le ? (head[i] as number) | ((head[i + 1] as number) << 8) : ((head[i] as number) << 8) | (head[i + 1] as number));
  if (chars.some((c) => c < 0x09 || (c > 0x0d && c < 0x20))) return undefined;
  const first = String.fromCharCode(...chars).trimStart()[0];
  if (first === undefined) return undefined;
  return first === '<' ? 'xml' : 'csv';
}
