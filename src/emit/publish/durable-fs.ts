/**
 * The few file-system steps that make a publish atomic and durable: a temporary name in the target
 * directory (same file system, so rename is atomic), fsync of the file, rename, fsync of the
 * directory (so the rename itself survives a power cut).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const TEMP_MARK = '.tmp-';

/** `.<name>.tmp-<pid>-<random>`: hidden, unique, and naming the process that owns it. */
export function tempPath(dir: string, name: string): string {
  return join(dir, `.${name}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temporary files left in `dir` by killed publishers. A temp file whose owner process is
 * still alive belongs to a publish in progress and is kept.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names) {
    const at = name.lastIndexOf(TEMP_MARK);
    if (!name.startsWith('.') || at < 0) continue;
    const pid = Number(name.slice(at + TEMP_MARK.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    if (pid === process.pid) continue;
    await rm(join(dir, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `data` under a temp name, fsyncs it and returns the temp path (not yet renamed). */
export async function writeTempFile(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const path = tempPath(dir, name);
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return path;
}
