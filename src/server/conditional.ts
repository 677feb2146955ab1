/**
 * HTTP validators and ranges for feed pulls (RFC 9110 §8.8, §13, §14), as pure functions of the
 * request headers and the file's validators, so that each rule is tested without a server.
 * Only single byte ranges are served; a multi-range request gets the whole file (which RFC 9110
 * allows), since feed fetchers resume downloads with one range.
 */

export type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** `If-None-Match` (weak comparison, `*` matches any) decides alone when present. */
export function notModified(headers: { 'if-none-match'?: string | undefined; 'if-modified-since'?: string | undefined }, etag: string, lastModified: Date): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    const wanted = opaque(etag);
    return inm.split(',').some((t) => {
      const tag = t.trim();
      return tag === '*' || opaque(tag) === wanted;
    });
  }
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * The range to serve. `If-Range` keeps the range only when its validator (strong ETag comparison,
 * or the exact Last-Modified date) still names this file; otherwise the whole new file is sent,
 * so a resumed download never splices two versions.
 */
export function selectRange(
  headers: { range?: string | undefined; 'if-range'?: string | undefined },
  size: number,
  etag: string,
  lastModified: Date,
): RangeResult {
  const range = headers.range;
  if (range === undefined) return { kind: 'full' };
  const ifRange = headers['if-range']?.trim();
  if (ifRange !== undefined) {
    if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
      if (ifRange !== etag) return { kind: 'full' };
    } else if (Date.parse(ifRange) !== Math.floor(lastModified.getTime() / 1000) * 1000) {
      return { kind: 'full' };
    }
  }
  return parseRange(range, size);
}

export function parseRange(header: string, size: number): RangeResult {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  // Not a single byte range (another unit, several ranges, garbage): ignore it, serve the whole.
  if (!m) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return size === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  return { kind: 'partial', start, end };
}

/** Whether `Accept-Encoding` allows gzip (q > 0, by name or by `*`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const weight = Number.isFinite(q) ? q : 0;
    if (name.trim() === 'gzip' || name.trim() === 'x-gzip') gzip = weight;
    else if (name.trim() === '*') star = weight;
  }
  return (gzip ?? star ?? 0) > 0;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
