/**
 * Absolute http(s) URL check for links and images: the scheme, a host that starts right after it,
 * no whitespace anywhere. Not `new URL()` nor one big regex: this runs twice per item on the hot
 * path, and channels ask no more than this.
 */

const WHITESPACE = /\s/;

export function isHttpUrl(value: string): boolean {
  let start: number;
  if (value.startsWith('https://')) start = 8;
  else if (value.startsWith('http://')) start = 7;
  else {
    const lower = value.slice(0, 8).toLowerCase();
    if (lower.startsWith('https://')) start = 8;
    else if (lower.startsWith('http://')) start = 7;
    else return false;
  }
  const c = value.charCodeAt(start);
  // NaN (nothing after the scheme), '/', '?', '#', '@', ':' cannot start a host.
  if (!(c > 32) || c === 47 || c === 63 || c === 35 || c === 64 || c === 58) return false;
  return !WHITESPACE.test(value);
}
