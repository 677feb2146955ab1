/**
 * Free space against what the configured catalogs need. Places on the same file system (a dev box
 * with everything on one disk, or staging and parts on one tmpfs) add their needs and are judged once.
 */
import type { Place } from './places.js';
import { formatBytes, type CheckResult } from './report.js';
import type { CatalogNeed } from './sizing.js';
import type { SystemView } from './system.js';
import { nearestExisting } from './paths.js';

/** Below this headroom over the need, the check warns: a catalog that grows 20% would not fit. */
export const HEADROOM = 1.2;

export function checkSpace(places: readonly Place[], needs: readonly CatalogNeed[], sys: SystemView): CheckResult[] {
  const groups = new Map<string, Place[]>();
  for (const p of places) {
    const key = p.mount ? `mount:${p.mount.mountPoint}` : `path:${p.real}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const unsized = needs.filter((n) => n.basis === 'none').map((n) => n.catalog);
  return [...groups.values()].map((group) => {
    const names = group.map((p) => p.name);
    const id = `space:${names.join('+')}`;
    const perCatalog: Record<string, number> = {};
    let need = 0;
    for (const n of needs) {
      const bytes = names.reduce((sum, name) => sum + n[name], 0);
      if (bytes > 0) perCatalog[n.catalog] = bytes;
      need += bytes;
    }
    const first = group[0] as Place;
    const { freeBytes, totalBytes } = sys.space(nearestExisting(first.real));
    const where = group.map((p) => `${p.name} ${p.path}`).join(', ');
    const details = { places: Object.fromEntries(group.map((p) => [p.name, p.path])), mountPoint: first.mount?.mountPoint, freeBytes, totalBytes, needBytes: need, perCatalog, unsized };
    const tail = unsized.length > 0 ? `; not yet sized (no version): ${unsized.join(', ')}` : '';
    if (needs.length === 0) {
      return { id, status: 'ok', summary: `${where}: ${formatBytes(freeBytes)} free; no catalog configured yet`, details };
    }
    const summary = `${where}: ${formatBytes(freeBytes)} free, the catalogs need ${formatBytes(need)}${tail}`;
    if (freeBytes >= need * HEADROOM) return { id, status: 'ok', summary, details };
    const biggest = Object.entries(perCatalog).sort((a, b) => b[1] - a[1])[0];
    const fix = `free or add ${formatBytes(Math.ceil(need * HEADROOM - freeBytes))} there${first.mount?.fsType === 'tmpfs' ? ' (a tmpfs grows with size=...: feedmill-tune --staging-size / --parts-size)' : ''}${biggest ? `; the largest need is ${biggest[0]} (${formatBytes(biggest[1])})` : ''}`;
    return { id, status: freeBytes >= need ? 'warn' : 'fail', summary, fix, details };
  });
}
