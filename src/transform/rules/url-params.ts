/**
 * Adding query parameters to a merchant URL without touching anything else in it. The URL class
 * is not used on purpose: it re-encodes paths and queries, and a channel must list the link the
 * merchant gave, byte for byte, plus our parameters. The fragment stays last.
 */

export type ParamMode = 'replace' | 'append';

function keyOf(piece: string): string {
  const eq = piece.indexOf('=');
  const raw = (eq < 0 ? piece : piece.slice(0, eq)).replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on a lone surrogate; it becomes U+FFFD first. */
export function encodeParam(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * Sets `params` (already in the order they should be appended) in the query of `url`.
 * replace: an existing parameter of that name gets the new value in place and later duplicates
 * of it go; append: an existing parameter is left as it is. New parameters go at the end of the
 * query, before any `#fragment`. Applying the same parameters twice gives the same URL.
 */
export function setQueryParams(url: string, params: readonly (readonly [string, string])[], mode: ParamMode): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  const q = base.indexOf('?');
  const path = q < 0 ? base : base.slice(0, q);
  const pieces = q < 0 ? [] : base.slice(q + 1).split('&').filter((p) => p !== '');
  let changed = false;
  for (const [name, value] of params) {
    const piece = `${encodeParam(name)}=${encodeParam(value)}`;
    const first = pieces.findIndex((p) => keyOf(p) === name);
    if (first < 0) {
      pieces.push(piece);
      changed = true;
      continue;
    }
    if (mode === 'append') continue;
    if (pieces[first] !== piece) {
      pieces[first] = piece;
      changed = true;
    }
    for (let i = pieces.length - 1; i > first; i--) {
      if (keyOf(pieces[i] as string) === name) {
        pieces.splice(i, 1);
        changed = true;
      }
    }
  }
  if (!changed) return url;
  return `${path}${pieces.length > 0 ? `?${pieces.join('&')}` : ''}${fragment}`;
}
