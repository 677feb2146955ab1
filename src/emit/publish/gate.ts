/**
 * The publish gate: a new feed must not silently replace a good one when the catalog suddenly lost
 * most of its items (a truncated upload, a broken rule). The old feed stays in place and the export
 * ends with a coded error; `force` publishes anyway.
 */
import { FeedmillError } from '../../errors.js';

export interface GateInput {
  channel: string;
  /** Items of the feed currently published; undefined when none is. */
  previousItems: number | undefined;
  items: number;
  /** Largest share of items (0..1) a new feed may lose. */
  maxDrop: number;
  force?: boolean | undefined;
}

export function checkPublishGate(g: GateInput): void {
  if (g.force) return;
  if (g.items === 0) {
    throw new FeedmillError(
      'FEEDMILL_PUBLISH_EMPTY',
      `the ${g.channel} feed would hold no item; ${g.previousItems === undefined ? 'nothing was published' : 'the published feed was kept'} (check the rules and the quality report, or force the publish)`,
      { channel: g.channel, items: 0, previousItems: g.previousItems ?? null },
    );
  }
  if (g.previousItems === undefined || g.previousItems === 0) return;
  const drop = (g.previousItems - g.items) / g.previousItems;
  if (drop > g.maxDrop) {
    throw new FeedmillError(
      'FEEDMILL_PUBLISH_GATE',
      `the ${g.channel} feed would drop from ${g.previousItems} to ${g.items} items (${Math.round(drop * 100)}% > ${Math.round(g.maxDrop * 100)}% allowed); the published feed was kept (check the source and quality report, or force the publish)`,
      { channel: g.channel, items: g.items, previousItems: g.previousItems, drop, maxDrop: g.maxDrop },
    );
  }
}
