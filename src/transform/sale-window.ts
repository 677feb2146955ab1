/**
 * Sale prices with dates. Magento's special price, PrestaShop's specific prices and Google feeds
 * given as input carry a window (staged as `attrs.sale_price_effective_date`, `from/to`, either side
 * possibly empty). A feed is rebuilt every night from a catalog that may not change, so the window
 * is applied when the feed is generated: outside it the sale price is dropped, because the shop no
 * longer (or does not yet) show it and a marketplace would flag the mismatch with the landing page;
 * inside it the sale price stays and the window is rewritten in the ISO 8601 form that Google,
 * Microsoft and Meta read (`2026-01-01T00:00/2026-02-01T23:59`, `2026-01-01T08:00+0100/...`), so
 * that they end the sale on time even if the next feed is late.
 *
 * Times without a zone are read as UTC; a date alone, or at midnight without a zone, starts at 00:00
 * and ends at 23:59:59 (Magento's dates are whole days, and Google reads a date so). A window that cannot be read is dropped and the sale price kept, as before windows were
 * applied.
 */
import type { Item } from './item.js';

export const SALE_WINDOW_ATTR = 'sale_price_effective_date';

interface Bound {
  /** The instant, in ms since the epoch. */
  ms: number;
  /** ISO 8601 as the channels take it. */
  text: string;
}

export interface SaleWindow {
  start: Bound | undefined;
  end: Bound | undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
/** Magento's short locale format (`1/24/26`, `1/24/2026 13:00`), month first. */
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** PrestaShop's "no date". */
const NO_DATE = /^0000-00-00/;

/** The window of `text` (`from/to`), or undefined when either side cannot be read. */
export function parseSaleWindow(text: string): SaleWindow | undefined {
  const [from, to] = splitWindow(text);
  if (from === undefined || to === undefined) return undefined;
  const start = bound(from, 'start');
  const end = bound(to, 'end');
  if (start === null || end === null) return undefined;
  if (start !== undefined && end !== undefined && end.ms < start.ms) return undefined;
  return { start, end };
}

/**
 * Applies the window of `item` at `nowMs` (the feed's generation time), in place. `today` is that
 * time's UTC date, the start given to a window open at its start. Returns when the item's price
 * changes next (its sale starts, or ends), undefined when it never does: a feed is stale from then.
 */
export function applySaleWindow(item: Item, nowMs: number, today: string): number | undefined {
  const text = item.attrs[SALE_WINDOW_ATTR];
  if (text === undefined) return undefined;
  if (item.salePrice === null) {
    delete item.attrs[SALE_WINDOW_ATTR];
    return undefined;
  }
  const w = parseSaleWindow(text);
  if (w === undefined) {
    delete item.attrs[SALE_WINDOW_ATTR];
    return undefined;
  }
  const ended = w.end !== undefined && nowMs > w.end.ms;
  if ((w.start !== undefined && nowMs < w.start.ms) || ended) {
    item.salePrice = null;
    delete item.attrs[SALE_WINDOW_ATTR];
    return ended ? undefined : w.start?.ms;
  }
  // Open-ended: the sale runs until a later feed says otherwise, which is what no window means.
  if (w.end === undefined) {
    delete item.attrs[SALE_WINDOW_ATTR];
    return undefined;
  }
  item.attrs[SALE_WINDOW_ATTR] = `${w.start?.text ?? `${today}T00:00`}/${w.end.text}`;
  return w.end.ms + 1;
}

/**
 * `from/to` split at the slash between them: US dates hold slashes themselves, so with them the
 * separator is the slash that follows a complete date.
 */
function splitWindow(text: string): [string | undefined, string | undefined] {
  const t = text.trim();
  if (!t.includes('/')) return [undefined, undefined];
  if (!/\d{1,2}\/\d{1,2}\//.test(t)) {
    const i = t.indexOf('/');
    return [t.slice(0, i).trim(), t.slice(i + 1).trim()];
  }
  // US dates: split into slash-separated tokens and regroup each date's three parts.
  const m = /^(\s*(?:\d{1,2}\/\d{1,2}\/\d{2,4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?)?\s*)\/(.*)$/.exec(t);
  if (m === null) return [undefined, undefined];
  return [(m[1] as string).trim(), (m[2] as string).trim()];
}

/** A side of the window; undefined when open, null when unreadable. */
function bound(text: string, side: 'start' | 'end'): Bound | undefined | null {
  if (text === '' || NO_DATE.test(text)) return undefined;
  let y: number, mo: number, d: number, h: number | undefined, mi: number | undefined, s: number | undefined, zone: string | undefined;
  const iso = ISO.exec(text);
  if (iso !== null) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    h = iso[4] === undefined ? undefined : Number(iso[4]);
    mi = iso[5] === undefined ? undefined : Number(iso[5]);
    s = iso[6] === undefined ? undefined : Number(iso[6]);
    zone = iso[7];
  } else {
    const us = US.exec(text);
    if (us === null) return null;
    [mo, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (y < 100) y += 2000;
    h = us[4] === undefined ? undefined : Number(us[4]);
    mi = us[5] === undefined ? undefined : Number(us[5]);
    s = us[6] === undefined ? undefined : Number(us[6]);
  }
  const day = Date.UTC(y, mo - 1, d);
  const check = new Date(day);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const date = `${String(y).padStart(4, '0')}-${pad(mo)}-${pad(d)}`;
  // A date alone is the whole day, and so is a date at midnight without a zone: Magento stores its
  // day-granular special price dates so (`2026-02-01 00:00:00`, the to-date inclusive).
  const wholeDay = h === undefined || (h === 0 && mi === 0 && (s ?? 0) === 0 && zone === undefined);
  // Written with its time: Meta and Microsoft want `YYYY-MM-DDThh:mm` on both sides, Google takes it.
  if (wholeDay) return { ms: side === 'start' ? day : day + 86_400_000 - 1, text: `${date}T${side === 'start' ? '00:00' : '23:59'}` };
  if ((h as number) > 23 || (mi as number) > 59 || (s ?? 0) > 59) return null;
  const offsetMin = zoneMinutes(zone);
  if (offsetMin === null) return null;
  const ms = day + ((h as number) * 60 + (mi as number) - offsetMin) * 60_000 + (s ?? 0) * 1000;
  return { ms, text: `${date}T${pad(h as number)}:${pad(mi as number)}${zone === undefined ? '' : zone === 'Z' ? 'Z' : zone.replace(':', '')}` };
}

function zoneMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (m === null) return null;
  const [hh, mm] = [Number(m[2]), Number(m[3])];
  if (hh > 14 || mm > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hh * 60 + mm);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
