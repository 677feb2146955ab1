/**
 * Names that reach the file system or URLs (catalogs, channels, schedules) follow one strict
 * pattern, so that no name can climb out of its folder (`..`, `/`, NUL) or collide by case.
 */
import { FeedmillError } from './errors.js';

export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9_-]|\.(?!\.)){0,62}[a-z0-9]$|^[a-z0-9]$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function assertName(name: string, what: 'catalog' | 'channel' | 'schedule' | 'profile' | 'token'): string {
  if (!isValidName(name)) {
    throw new FeedmillError(
      'FEEDMILL_NAME_INVALID',
      `${what} name ${JSON.stringify(name)} is not allowed: use 1-64 lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      { what, name },
    );
  }
  return name;
}
