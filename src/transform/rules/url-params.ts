/**
 * Adding query parameters to a merchant URL without touching anything else in it. The URL class
 * is not used on purpose: it re-encodes paths and queries, and a channel must list the link the
 * merchant gave, byte for byte, plus our parameters. The fragment stays last.
 */

export type ParamMode = 'replace' | 'append';

function keyOf(piece: string): string {
  const eq = piece.indexOf('=');
  const raw = eq < 0 ? piece : piece.slice(0, eq);
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on a lone surrogate; it becomes U+FFFD first. */
export function encodeParam(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

/**
 * Sets `params` (already in the order they should be appended) in the query of `url`.
 * replace: an existing parameter of that name gets the new value in place and later duplicates
 * of it go; append: an existing parameter is left as it is. New parameters go at the end of the
 * query, before any `#fragment`. Applying the same parameters twice gives the same URL.
 */
export function setQueryParams(url: string, params: readonly (readonly [string, string])[], mode: ParamMode): string {
  return setEncodedParams(url, params.map(([name, value]) => [name, `${encodeParam(name)}=${encodeParam(value)}`] as const), mode);
}

/** setQueryParams with each parameter given as [name, "encodedName=encodedValue"]. */
export function setEncodedParams(url: string, params: readonly (readonly [string, string])[], mode: ParamMode): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  const q = base.indexOf('?');
  const path = q < 0 ? base : base.slice(0, q);
  const pieces = q < 0 || q === base.length - 1 ? [] : base.slice(q + 1).split('&').filter((p) => p !== '');
  const keys = pieces.map(keyOf);
  let changed = false;
  for (const [name, piece] of params) {
    const first = keys.indexOf(name);
    if (first < 0) {
      pieces.push(piece);
      keys.push(name);
      changed = true;
      continue;
    }
    if (mode === 'append') continue;
    if (pieces[first] !== piece) {
      pieces[first] = piece;
      changed = true;
    }
    for (let i = pieces.length - 1; i > first; i--) {
      if (keys[i] === name) {
        pieces.splice(i, 1);
        keys.splice(i, 1);
        changed = true;
      }
    }
  }
  if (!changed) return url;
  return `${path}${pieces.length > 0 ? `?${pieces.join('&')}` : ''}${fragment}`;
}
