/**
 * The tour-operator XML of docs/source-formats.md: one `<trip>` (a product) per record, with its
 * `<departure>`s (offers). A trip's departures walk board × room × nights × daily dates, so the
 * offer id `{code}-{date}-{nights}-{room}-{board}` never repeats within a trip, whatever the count.
 */
import { Prng } from './prng.js';
import type { RecordSource } from './record-source.js';
import { amount, dayNumber, isoDay, xmlAttr, xmlText } from './text.js';
import { BOARDS, DESTINATIONS, HOTEL_KINDS, HOTEL_WORDS, NIGHT_PAIRS, ROOMS, TRIP_SENTENCES } from './words.js';

export interface TourPlan {
  trips: number;
  /** Departures of every trip but the last, which holds what is left of `offers`. */
  departuresPerTrip: number;
  /** Total departures: (trips - 1) × departuresPerTrip < offers ≤ trips × departuresPerTrip. */
  offers: number;
}

/** Stay price multipliers (whole room, not per person) and board supplements. */
const ROOM_FACTOR: Readonly<Record<string, number>> = { SGL: 1.3, DBL: 2, TWN: 2, TRP: 2.7, FAM: 3.2, SUI: 2.9 };
const BOARD_FACTOR: Readonly<Record<string, number>> = { RO: 1, BB: 1.1, HB: 1.25, FB: 1.4, AI: 1.6 };
/** High season in July and August, low in winter: price factor per month (1-12). */
const SEASON = [0, 0.8, 0.8, 0.9, 1, 1.05, 1.2, 1.45, 1.5, 1.15, 1, 0.85, 1.1];
const FIRST_DAY = dayNumber(2027, 3, 1);

export class TourXml implements RecordSource {
  readonly #prng: Prng;
  readonly #plan: TourPlan;
  #trips = 0;
  #offers = 0;

  constructor(seed: string | number, plan: TourPlan) {
    this.#prng = new Prng(`tour:${seed}`);
    this.#plan = plan;
  }

  get offers(): number {
    return this.#offers;
  }

  get products(): number {
    return this.#trips;
  }

  head(): string {
    return '<?xml version="1.0" encoding="UTF-8"?>\n<catalog operator="Soleil &amp; Voyages — Sunward Tours" currency="EUR">\n';
  }

  tail(): string {
    return '</catalog>\n';
  }

  next(): string | undefined {
    const left = this.#plan.offers - this.#offers;
    if (left <= 0) return undefined;
    const count = Math.min(left, this.#plan.departuresPerTrip);
    this.#trips++;
    this.#offers += count;
    return this.#trip(this.#trips, count);
  }

  #trip(n: number, departures: number): string {
    const r = this.#prng;
    const dest = r.pick(DESTINATIONS);
    const code = `${dest.code}-${String(n).padStart(6, '0')}`;
    const lower = code.toLowerCase();
    const hotelName = `${r.pick(HOTEL_WORDS)}${r.chance(0.3) ? ` ${r.pick(dest.cities)}` : ''}`;
    const kind = r.pick(HOTEL_KINDS);
    const stars = r.range(2, 5);
    const city = r.pick(dest.cities);
    const sentences = r.sample(TRIP_SENTENCES, r.range(3, 6));
    const rot = r.int(BOARDS.length);
    const boards = [...BOARDS.slice(rot), ...BOARDS.slice(0, rot)].slice(0, r.range(2, BOARDS.length));
    const roomRot = r.int(ROOMS.length);
    const rooms = [...ROOMS.slice(roomRot), ...ROOMS.slice(0, roomRot)].slice(0, r.range(2, ROOMS.length));
    const nights = r.pick(NIGHT_PAIRS);
    const firstDay = FIRST_DAY + r.int(60);
    const perNight = r.range(3500, 16000);
    const nb = boards.length;
    const nbr = nb * rooms.length;
    let deps = '';
    for (let i = 0; i < departures; i++) {
      const board = boards[i % nb] as string;
      const room = rooms[Math.floor(i / nb) % rooms.length] as string;
      const night = nights[Math.floor(i / nbr) % 2] as number;
      const day = firstDay + Math.floor(i / (nbr * 2));
      const date = isoDay(day);
      const month = Number(date.slice(5, 7));
      const stay = perNight * night * (ROOM_FACTOR[room] ?? 2) * (BOARD_FACTOR[board] ?? 1) * (SEASON[month] ?? 1) * (0.9 + r.float() * 0.2);
      const price = Math.round(stay / 100) * 100 + (r.chance(0.25) ? 50 : 0);
      const seats = r.chance(0.1) ? 0 : r.range(1, 9);
      const currency = r.chance(0.01) ? ' currency="EUR"' : '';
      deps += `      <departure date="${date}" nights="${night}" room="${room}" board="${board}" price="${amount(price)}" seats="${seats}"${currency}/>\n`;
    }
    return `  <trip code="${code}">
    <title>${xmlText(`${dest.name}, ${kind} ${hotelName}, ${stars}*`)}</title>
    <description>${xmlText(sentences.join(' '))}</description>
    <url>https://tours.example/trips/${lower}</url>
    <image>https://tours.example/img/${lower}.jpg</image>
    <category>${xmlText(`${dest.countryName} > ${dest.name}`)}</category>
    <hotel id="H-${String(n).padStart(6, '0')}" name="${xmlAttr(`${kind} ${hotelName}`)}" stars="${stars}" country="${dest.country}" city="${xmlAttr(city)}"/>
    <departures>
${deps}    </departures>
  </trip>
`;
  }
}
