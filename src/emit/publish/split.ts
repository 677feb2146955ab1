/**
 * Channel size limits: a feed over the limit is refused, or split into numbered files when the
 * channel allows it. Each file is a complete feed (header + some parts + footer). Files are cut on
 * part boundaries (parts are rowid ranges of a few ten thousand offers), so a limit smaller than one
 * part plus header and footer cannot be met and is refused too.
 */
import { FeedmillError } from '../../errors.js';

export interface PartFile {
  path: string;
  items: number;
  /** Bytes on disk (compressed when gzipped). */
  bytes: number;
  /** Uncompressed bytes. */
  rawBytes: number;
}

export interface FeedLimits {
  /** Largest uncompressed size of one file. */
  maxBytes?: number | undefined;
  /** Most items in one file. */
  maxItems?: number | undefined;
  /** Split into numbered files instead of refusing. */
  split?: boolean | undefined;
}

export interface PlannedFile {
  fileName: string;
  parts: PartFile[];
  items: number;
  rawBytes: number;
}

/** `google-shopping.xml.gz`, 2 → `google-shopping.2.xml.gz`: the number goes before the extensions. */
export function numberedFileName(fileName: string, n: number): string {
  const ext = /(\.(?:xml|csv|tsv|txt|json))?(\.gz)?$/.exec(fileName)?.[0] ?? '';
  const stem = ext === '' ? fileName : fileName.slice(0, -ext.length);
  return `${stem}.${n}${ext}`;
}

export function planFiles(
  channel: string,
  fileName: string,
  parts: readonly PartFile[],
  frameRawBytes: number,
  limits: FeedLimits = {},
): PlannedFile[] {
  const maxBytes = limits.maxBytes ?? Infinity;
  const maxItems = limits.maxItems ?? Infinity;
  const items = parts.reduce((n, p) => n + p.items, 0);
  const rawBytes = parts.reduce((n, p) => n + p.rawBytes, frameRawBytes);
  if (rawBytes <= maxBytes && items <= maxItems) return [{ fileName, parts: [...parts], items, rawBytes }];
  if (!limits.split) {
    throw new FeedmillError(
      'FEEDMILL_PUBLISH_TOO_LARGE',
      `the ${channel} feed holds ${items} items in ${rawBytes} bytes, over the channel limit; the channel does not allow split files (filter items with rules)`,
      { channel, items, rawBytes, maxBytes: limits.maxBytes ?? null, maxItems: limits.maxItems ?? null },
    );
  }
  const groups: PartFile[][] = [];
  let current: PartFile[] = [];
  let curBytes = frameRawBytes;
  let curItems = 0;
  for (const [index, p] of parts.entries()) {
    if (frameRawBytes + p.rawBytes > maxBytes || p.items > maxItems) {
      throw new FeedmillError(
        'FEEDMILL_PUBLISH_TOO_LARGE',
        `one part of the ${channel} feed (${p.items} items, ${p.rawBytes} bytes) alone passes the channel limit, so the feed cannot be split on part boundaries`,
        { channel, part: index, items: p.items, rawBytes: p.rawBytes, maxBytes: limits.maxBytes ?? null, maxItems: limits.maxItems ?? null },
      );
    }
    if (current.length > 0 && (curBytes + p.rawBytes > maxBytes || curItems + p.items > maxItems)) {
      groups.push(current);
      current = [];
      curBytes = frameRawBytes;
      curItems = 0;
    }
    current.push(p);
    curBytes += p.rawBytes;
    curItems += p.items;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((g, i) => ({
    fileName: numberedFileName(fileName, i + 1),
    parts: g,
    items: g.reduce((n, p) => n + p.items, 0),
    rawBytes: g.reduce((n, p) => n + p.rawBytes, frameRawBytes),
  }));
}
