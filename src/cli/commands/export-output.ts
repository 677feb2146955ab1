/** How `export` and `run` show an export: the JSON shape of a feed and the human summary. */
import type { ExportResult, ExportedFeed } from '../../transform/index.js';

export function feedJson(f: ExportedFeed) {
  return { channel: f.channel, path: f.path, items: f.items, excluded: f.excluded, filtered: f.filtered, bytes: f.bytes, sha256: f.sha256, ...(f.outPaths ? { outPaths: f.outPaths } : {}) };
}

export function exportSummary(r: ExportResult): string {
  const lines = [`${r.catalog} version ${r.version}: ${r.feeds.length} feed${r.feeds.length === 1 ? '' : 's'} in ${r.seconds.toFixed(2)} s`];
  for (const f of r.feeds) {
    lines.push(
      `  ${f.channel.padEnd(22)} ${f.items.toLocaleString('en').padStart(10)} items  ${f.excluded.toLocaleString('en').padStart(7)} excluded  ${(f.bytes / 1e6).toFixed(2).padStart(8)} MB  ${f.outPaths?.[0] ?? f.path}`,
    );
  }
  lines.push(`  quality reports: ${r.feeds.map((f) => f.reportPath).join(', ')}`);
  return lines.join('\n');
}
