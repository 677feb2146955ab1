/**
 * Strict patterns for every identifier that arrives in a URL. Each path segment is checked against
 * its pattern before it is used for anything, so that no catalog, channel file or token can carry
 * `..`, `/`, `\`, `%`, NUL or other bytes that could reach outside the feeds or sources folders:
 * the patterns have no room for them, and segments are never percent-decoded.
 */
import { isValidName } from '../names.js';

/** A published feed file name: `google-shopping.xml.gz`, `idealo.2.csv`. No `..`, no separators. */
const FILE_PATTERN = /^[a-z0-9](?:[a-z0-9_-]|\.(?!\.)){0,126}[a-z0-9]$/;
/** base64url of 32 random bytes. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TASK_ID_PATTERN = /^[1-9][0-9]{0,14}$/;
const TOKEN_ID_PATTERN = /^[1-9][0-9]{0,14}$/;

export function isCatalogName(segment: string): boolean {
  return isValidName(segment);
}

export function isFeedFileName(segment: string): boolean {
  return FILE_PATTERN.test(segment);
}

export function isTokenShape(segment: string): boolean {
  return TOKEN_PATTERN.test(segment);
}

export function parseTaskId(segment: string): number | undefined {
  return TASK_ID_PATTERN.test(segment) ? Number(segment) : undefined;
}

export function parseTokenId(segment: string): number | undefined {
  return TOKEN_ID_PATTERN.test(segment) ? Number(segment) : undefined;
}
