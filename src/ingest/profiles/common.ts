/**
 * Helpers shared by the source profiles (magento2, prestashop, google-feed, tour-operator) on top
 * of the field parsers of src/ingest/fields.ts: writing a reject from a field problem, URLs built
 * from a shop's base URL, and percentage reductions in integer minor units.
 */
import type { RecordLocation } from '../../model.js';
import { REJECT_RAW_MAX } from '../../model.js';
import type { FieldProblem } from '../fields.js';
import type { ProfileSink } from '../profile.js';

/**
 * A record's location as plain data, to spread into a reject. Spreading the location itself would
 * drop a CSV row's byte offset: that is a getter (computed only when asked for, see csv/rows.ts).
 */
export function locationOf(loc: RecordLocation): RecordLocation {
  return { line: loc.line, byteOffset: loc.byteOffset, path: loc.path };
}

/** A reject from a field problem; its excerpt is `raw`, else the CSV row as written (`loc.raw`). */
export function rejectRecord(sink: ProfileSink, loc: RecordLocation, problem: FieldProblem, raw: string | undefined = loc.raw): void {
  sink.reject({
    ...locationOf(loc),
    code: problem.code,
    field: problem.field,
    message: problem.message,
    raw: raw === undefined ? undefined : raw.slice(0, REJECT_RAW_MAX),
  });
}

/** Empty and whitespace-only values are absent. */
export function present(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** True for an absolute http(s) URL with a host. */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s) || /\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Joins a base URL and a path, with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Applies a percentage reduction to minor units without floating point, rounded half up to the
 * minor unit. `rate` is decimal text: a percentage ("5.5" = 5.5 %) or, with `fraction`, a share
 * ("0.2" = 20 %, as PrestaShop stores reductions). Undefined when it is not a rate within 0..100 %.
 */
export function reduceByRate(minor: number, rate: string, fraction = false): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(rate.trim());
  if (!m) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  // The rate as an integer numerator over 10^scale (over 100 more for a percentage).
  const scale = frac.length + (fraction ? 0 : 2);
  const num = BigInt((m[1] ?? '0') + frac);
  const den = 10n ** BigInt(scale);
  if (num > den) return undefined;
  const reduction = (BigInt(minor) * num * 2n + den) / (den * 2n);
  return minor - Number(reduction);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', reg: '®', trade: '™', copy: '©',
  bull: '•', ndash: '–', mdash: '—', hellip: '…', deg: '°', times: '×', euro: '€', pound: '£', laquo: '«',
  raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', eacute: 'é', egrave: 'è', agrave: 'à',
  ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß',
};

/**
 * Decodes the HTML entities shops write in plain-text values (Magento option labels such as
 * `Cocona&reg; performance fabric`). Unknown named entities stay as written, never guessed.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
