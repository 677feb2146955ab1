/**
 * Google Shopping XML feeds: RSS 2.0 (`<rss><channel><item>`) and Atom 1.0 (`<feed><entry>`), with
 * the product attributes in the `http://base.google.com/ns/1.0` namespace (usually prefix `g:`).
 *
 * The namespace prefix is read from the root element's declarations (`xmlns:g=...`); without one,
 * `g` is assumed, as every published example writes it. Unprefixed `title`, `link` and `description`
 * (RSS) or `title`, `link href`, `summary`/`content` (Atom) stand in when the `g:` form is absent.
 */
import { REJECT_RAW_MAX, shippingFromParts, type RecordLocation } from '../../../model.js';
import { FieldReader } from '../../fields.js';
import type { ProfileContext, ProfileSink, XmlMapper, XmlNode } from '../../profile.js';
import { locationOf } from '../common.js';
import { excerpt } from '../xml-node.js';
import { GoogleItemMap, mapGoogleItem } from './attributes.js';

export const GOOGLE_NS = 'http://base.google.com/ns/1.0';

/** Atom/RSS core elements that stand in for missing Google attributes. */
const CORE_FALLBACK: Record<string, string> = { title: 'title', link: 'link', description: 'description', summary: 'description', content: 'description' };

export class GoogleXmlMapper implements XmlMapper {
  readonly #recordName: string;
  readonly #recordDepth: number;
  readonly #prefix: string;
  readonly #currency: string | undefined;
  readonly #r = new FieldReader();

  constructor(rootName: string, ctx: ProfileContext) {
    const atom = rootName === 'feed';
    this.#recordName = atom ? 'entry' : 'item';
    this.#recordDepth = atom ? 1 : 2;
    this.#prefix = googlePrefix(ctx.xmlRoot?.attrs ?? {}) ?? 'g';
    this.#currency = ctx.defaultCurrency;
  }

  isRecord(name: string, depth: number): boolean {
    return depth === this.#recordDepth && name === this.#recordName;
  }

  record(node: XmlNode, loc: RecordLocation, sink: ProfileSink): void {
    const r = this.#r;
    r.reset();
    const mapped = mapGoogleItem(this.#gather(node), r, this.#currency);
    if (mapped === undefined) {
      const p = r.problem ?? { code: 'RECORD_MISSING_ID' as const, field: 'id', message: 'the item has no g:id' };
      sink.reject({ ...locationOf(loc), code: p.code, field: `${this.#prefix}:${p.field}`, message: p.message, raw: excerpt(node).slice(0, REJECT_RAW_MAX) });
      return;
    }
    sink.standaloneOffer(mapped.product, mapped.offer, loc.line);
  }

  /** The item's attributes by name, Google's first, core RSS/Atom elements as fallbacks. */
  #gather(node: XmlNode): GoogleItemMap {
    const prefix = googlePrefix(node.attrs) ?? this.#prefix;
    const gathered = new GoogleItemMap();
    const item = gathered.values;
    const core = new Map<string, string[]>();
    for (const c of node.children) {
      const colon = c.name.indexOf(':');
      if (colon >= 0) {
        if (c.name.slice(0, colon) !== prefix) continue;
        push(item, c.name.slice(colon + 1), valueOf(c));
        continue;
      }
      const target = CORE_FALLBACK[c.name];
      if (target === undefined) continue;
      // Atom links carry the URL in href; only the page itself (rel absent or alternate) is the link.
      const value = c.name === 'link' && c.attrs.href !== undefined ? (c.attrs.rel === undefined || c.attrs.rel === 'alternate' ? c.attrs.href : '') : c.text;
      if (value.trim() !== '') push(core, target, value);
    }
    for (const [k, v] of core) if (!item.has(k)) item.set(k, v);
    return gathered;
  }
}

function push(item: Map<string, string[]>, key: string, value: string): void {
  const list = item.get(key);
  if (list === undefined) item.set(key, [value]);
  else list.push(value);
}

/**
 * An element's value: its text, or for a group element (`g:shipping` with `g:country`, `g:service`,
 * `g:price`...) its parts joined with `:` in Google's text order.
 */
function valueOf(node: XmlNode): string {
  if (node.children.length === 0) return node.text;
  if (node.name.endsWith('shipping')) {
    const parts = new Map<string, string>();
    for (const c of node.children) parts.set(c.name.slice(c.name.indexOf(':') + 1), c.text.trim());
    return shippingFromParts(parts);
  }
  return node.children.map((c) => c.text.trim()).join(':');
}

/** The prefix bound to Google's namespace by `xmlns:<prefix>` among these attributes, if any. */
export function googlePrefix(attrs: Readonly<Record<string, string>>): string | undefined {
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('xmlns:') && v.trim() === GOOGLE_NS) return k.slice(6);
  }
  return undefined;
}
