/**
 * Which mount holds a path, from /proc/self/mountinfo: the entry whose mount point is the longest
 * prefix of the path, the last one listed winning on the same point (a later mount hides earlier ones).
 */

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-mount and super-block options together (noatime, size=...). */
  options: string[];
}

export const RAM_FS_TYPES: ReadonlySet<string> = new Set(['tmpfs', 'ramfs']);

/** Parses mountinfo lines: `id parent maj:min root mountpoint opts [optional...] - fstype source superopts`. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    const mountPoint = fields[4];
    const fsType = fields[dash + 1];
    if (dash < 0 || mountPoint === undefined || fsType === undefined) continue;
    entries.push({
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      source: unescapeOctal(fields[dash + 2] ?? ''),
      options: [...(fields[5] ?? '').split(','), ...(fields[dash + 3] ?? '').split(',')].filter((o) => o !== ''),
    });
  }
  return entries;
}

/** The kernel writes space, tab, newline and backslash in paths as \040, \011, \012, \134. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function mountFor(path: string, entries: readonly MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const e of entries) {
    const inside = e.mountPoint === '/' || path === e.mountPoint || path.startsWith(`${e.mountPoint}/`);
    if (inside && (best === undefined || e.mountPoint.length >= best.mountPoint.length)) best = e;
  }
  return best;
}
