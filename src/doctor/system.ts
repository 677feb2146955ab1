/**
 * How the doctor sees the machine: /proc and /sys read under a root that tests point at a fake
 * tree, and file-system space through statfs (replaceable for the same reason).
 */
import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

export interface Space {
  freeBytes: number;
  totalBytes: number;
}

export interface SystemView {
  /** Text of a file under the root (`/proc/self/mountinfo`), or undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** Entry names of a directory under the root, or [] when absent. */
  list(path: string): string[];
  /** Space of the file system holding an existing path (a real path, not under the root). */
  space(path: string): Space;
}

export function systemView(root = '/', space: (path: string) => Space = statfsSpace): SystemView {
  return {
    read(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    list(path) {
      try {
        return readdirSync(join(root, path));
      } catch {
        return [];
      }
    },
    space,
  };
}

/** Free space as an unprivileged process can use it (bavail, not bfree: root's reserve is not ours). */
export function statfsSpace(path: string): Space {
  const s = statfsSync(path);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}
