/**
 * Absolute http(s) URL check for links and images. A regex, not `new URL()`: it runs twice per item
 * on the hot path, and channels only need "absolute, http or https, a host, no whitespace".
 */

const HTTP_URL = /^https?:\/\/(?:[^\s/?#@]+@)?[^\s/?#@:]+(?::[0-9]{1,5})?(?:[/?#]\S*)?$/i;

export function isHttpUrl(value: string): boolean {
  return HTTP_URL.test(value);
}
