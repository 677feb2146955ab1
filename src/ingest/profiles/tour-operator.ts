/**
 * `tour-operator`: the trip/departure XML defined in docs/source-formats.md. One `<trip>` is one
 * product (its text stored once, whatever the number of departures); each `<departure>` is one
 * offer. A departure is the unit of accounting: a bad one is rejected alone with its own line and
 * field while the trip's other departures go on; a trip-level problem (no code, a bad URL) rejects
 * each of its departures, pointing at the trip's offending element.
 */
import { FeedmillError } from '../../errors.js';
import type { Availability, OfferInput, ProductInput, RecordLocation } from '../../model.js';
import { REJECT_RAW_MAX } from '../../model.js';
import { FieldReader, type FieldProblem } from '../fields.js';
import type { Profile, ProfileContext, ProfileSink, XmlMapper, XmlNode } from '../profile.js';
import { locationOf } from './common.js';
import { checkOptionKeys } from './options.js';
import { child, childText, excerpt } from './xml-node.js';

const NAME = 'tour-operator';

/** Departure attributes mapped to offer fields; any other attribute is kept in the offer's attrs. */
const DEPARTURE_FIELDS = new Set(['date', 'nights', 'room', 'board', 'price', 'seats', 'currency']);
/** `<hotel>` attribute → product attribute. */
const HOTEL_ATTRS: readonly (readonly [string, string])[] = [
  ['id', 'hotel_id'],
  ['name', 'hotel_name'],
  ['stars', 'stars'],
  ['country', 'country'],
  ['city', 'city'],
];

export const tourOperatorProfile: Profile = {
  name: NAME,
  description: 'Tour operator XML: <catalog><trip code> with nested <departures><departure date nights room board price seats>',
  detectXml(rootName, rootAttrs) {
    if (rootName !== 'catalog') return 0;
    return rootAttrs.operator !== undefined ? 0.95 : 0.6;
  },
  xml(rootName, ctx) {
    checkOptionKeys(NAME, ctx.options ?? {}, []);
    if (rootName !== 'catalog') {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} has root element <${rootName}>; the tour-operator format starts with <catalog> (see docs/source-formats.md)`,
        { profile: NAME, root: rootName, expected: 'catalog' },
      );
    }
    return new TourMapper(ctx);
  },
};

class TourMapper implements XmlMapper {
  readonly #currency: string | undefined;
  readonly #r = new FieldReader();

  constructor(ctx: ProfileContext) {
    const declared = ctx.xmlRoot?.attrs.currency?.trim();
    this.#currency = declared === undefined || declared === '' ? ctx.defaultCurrency : declared.toUpperCase();
  }

  isRecord(name: string, depth: number): boolean {
    return depth === 1 && name === 'trip';
  }

  record(trip: XmlNode, loc: RecordLocation, sink: ProfileSink): void {
    const departures = departuresOf(trip);
    const r = this.#r;
    r.reset();
    const code = r.text('code', trip.attrs.code);
    const product: ProductInput = {
      key: code,
      title: r.text('title', childText(trip, 'title')),
      description: r.text('description', childText(trip, 'description')),
      link: r.url('url', childText(trip, 'url')),
      image: r.url('image', childText(trip, 'image')),
      category: r.text('category', childText(trip, 'category')),
      attrs: hotelAttrs(trip),
    };
    const tripProblem: FieldProblem | undefined =
      r.problem ?? (code === undefined ? { code: 'RECORD_MISSING_ID', field: 'code', message: 'the trip has no code attribute; write <trip code="...">' } : undefined);
    if (departures.length === 0) {
      sink.reject({
        ...locationOf(loc),
        ...(tripProblem ?? { code: 'RECORD_NO_OFFERS', field: 'departures', message: `trip ${code ?? ''} holds no <departure>; add its departures or remove the trip` }),
        raw: excerpt(trip).slice(0, REJECT_RAW_MAX),
      });
      return;
    }
    if (tripProblem !== undefined || code === undefined) {
      const p = tripProblem ?? { code: 'RECORD_MISSING_ID' as const, field: 'code', message: 'the trip has no code' };
      const at = problemLine(trip, p.field);
      for (const d of departures) {
        sink.reject({ line: at, path: loc.path, code: p.code, field: p.field, message: `${p.message} (trip at line ${trip.line}, its departures are not staged)`, raw: departureRaw(d) });
      }
      return;
    }
    let pid: number | undefined;
    for (const d of departures) {
      const offer = this.#departure(code, d);
      if (offer === undefined) {
        const p = r.problem as FieldProblem;
        sink.reject({ line: d.line, path: loc.path, code: p.code, field: p.field, message: `trip ${code}: ${p.message}`, raw: departureRaw(d) });
        continue;
      }
      // The product is written with its first good departure, so a trip whose departures are all
      // rejected leaves no product without offers.
      pid ??= sink.product(product);
      sink.offer(pid, offer, d.line);
    }
  }

  /** One departure as an offer, or undefined with the reader's problem set. */
  #departure(code: string, d: XmlNode): OfferInput | undefined {
    const r = this.#r;
    r.reset();
    const a = d.attrs;
    const date = r.date('date', a.date);
    if (date === undefined && r.problem === undefined) missing(r, 'RECORD_BAD_DATE', 'date', 'date is empty; write date="YYYY-MM-DD"');
    const nights = r.int('nights', a.nights, 1);
    if (nights === undefined && r.problem === undefined) missing(r, 'RECORD_BAD_NUMBER', 'nights', 'nights is empty; write the stay length, e.g. nights="7"');
    const room = r.text('room', a.room);
    if (room === undefined && r.problem === undefined) missing(r, 'RECORD_BAD_VALUE', 'room', 'room is empty; write the room code, e.g. room="DBL"');
    const board = r.text('board', a.board);
    if (board === undefined && r.problem === undefined) missing(r, 'RECORD_BAD_VALUE', 'board', 'board is empty; write the board code, e.g. board="HB"');
    const currency = r.currency('currency', a.currency) ?? this.#currency;
    const price = r.price('price', a.price, currency, true);
    const seats = r.int('seats', a.seats, 0);
    if (r.problem !== undefined || price === undefined || date === undefined || nights === undefined) return undefined;
    let attrs: Record<string, string> | undefined;
    for (const [k, v] of Object.entries(a)) {
      if (!DEPARTURE_FIELDS.has(k) && v !== '') (attrs ??= {})[k] = v;
    }
    const availability: Availability = seats === undefined || seats > 0 ? 'in_stock' : 'out_of_stock';
    return {
      id: `${code}-${date}-${nights}-${room}-${board}`,
      groupId: code,
      price: price.minor,
      currency: price.currency,
      availability,
      quantity: seats,
      departureDate: date,
      nights,
      room,
      board,
      seats,
      attrs,
    };
  }
}

function missing(r: FieldReader, code: FieldProblem['code'], field: string, message: string): void {
  // FieldReader keeps the first problem; a required field that is absent is one too.
  r.problem ??= { code, field, message };
}

function departuresOf(trip: XmlNode): XmlNode[] {
  const out: XmlNode[] = [];
  for (const c of trip.children) {
    if (c.name === 'departures') {
      for (const d of c.children) if (d.name === 'departure') out.push(d);
    } else if (c.name === 'departure') {
      out.push(c);
    }
  }
  return out;
}

function hotelAttrs(trip: XmlNode): Record<string, string> | undefined {
  const hotel = child(trip, 'hotel');
  if (hotel === undefined) return undefined;
  let attrs: Record<string, string> | undefined;
  for (const [from, to] of HOTEL_ATTRS) {
    const v = hotel.attrs[from]?.trim();
    if (v !== undefined && v !== '') (attrs ??= {})[to] = v;
  }
  return attrs;
}

/** The line of the trip element a trip-level problem is about (its `<url>`, `<image>`...). */
function problemLine(trip: XmlNode, field: string): number {
  return child(trip, field)?.line ?? trip.line;
}

function departureRaw(d: XmlNode): string {
  const attrs = Object.entries(d.attrs)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  return `<departure${attrs}/>`.slice(0, REJECT_RAW_MAX);
}
