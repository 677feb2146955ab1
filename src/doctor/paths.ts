/**
 * A configured dir may not exist yet (the staging dir is created on first ingest): its mount and
 * free space are those of its nearest existing ancestor, with symlinks resolved so that a staging dir
 * reached through a link is judged by where its bytes really go.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/** The path with symlinks resolved as far as it exists. */
export function realLocation(path: string): string {
  const existing = nearestExisting(path);
  return join(realpathSync(existing), relative(existing, path));
}
