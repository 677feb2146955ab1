/**
 * Generator options: validated once into a resolved plan, so the hot loop never re-checks.
 * Errors are FEEDMILL_BENCH_OPTION with `details.option` naming the culprit.
 */
import { FeedmillError } from '../../src/errors.js';
import type { TourPlan } from './tour-xml.js';

export type Shape = 'merchant' | 'tour';
export type Format = 'csv' | 'xml';
export type Container = 'plain' | 'gzip' | 'zip';

export const SHAPES: readonly Shape[] = ['merchant', 'tour'];
export const FORMATS: readonly Format[] = ['csv', 'xml'];
export const CONTAINERS: readonly Container[] = ['plain', 'gzip', 'zip'];

/** Departures per trip when not given: the 50,000 trips × 800 = 40 M offers. */
export const DEFAULT_DEPARTURES = 800;
export const DEFAULT_SEED = '1';

export interface GenerateOptions {
  shape: Shape;
  format: Format;
  /** File to write; written as `<out>.partial` and renamed when complete. */
  out: string;
  /** Offers (merchant rows or items; tour departures). Tour: or give `trips`. */
  offers?: number | undefined;
  /** Tour only. */
  trips?: number | undefined;
  /** Tour only: departures per trip. @default 800 (or offers / trips when both are given) */
  departures?: number | undefined;
  /** @default 'plain' */
  container?: Container | undefined;
  /** Same seed and options → same bytes. @default '1' */
  seed?: string | number | undefined;
  /** gzip / zip deflate level 0-9. @default 6 */
  level?: number | undefined;
  /** Name of the one zip entry. @default 'catalog.csv' / 'catalog.xml' */
  entryName?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ResolvedOptions {
  shape: Shape;
  format: Format;
  container: Container;
  out: string;
  offers: number;
  seed: string;
  level: number;
  entryName: string;
  /** Tour only. */
  tour: TourPlan | undefined;
}

function fail(option: string, message: string, value: unknown): never {
  throw new FeedmillError('FEEDMILL_BENCH_OPTION', message, { option, value });
}

function count(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) fail(option, `--${option} must be a whole number ≥ 1`, value);
  return value;
}

export function resolveOptions(o: GenerateOptions): ResolvedOptions {
  if (!SHAPES.includes(o.shape)) fail('shape', `--shape must be one of ${SHAPES.join(', ')}`, o.shape);
  if (!FORMATS.includes(o.format)) fail('format', `--format must be one of ${FORMATS.join(', ')}`, o.format);
  const container = o.container ?? 'plain';
  if (!CONTAINERS.includes(container)) fail('container', `--container must be one of ${CONTAINERS.join(', ')}`, container);
  if (typeof o.out !== 'string' || o.out === '') fail('out', '--out FILE is required', o.out);
  const level = o.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) fail('level', '--level must be a whole number from 0 to 9', level);
  const seed = String(o.seed ?? DEFAULT_SEED);
  const entryName = o.entryName ?? `catalog.${o.format}`;
  const offers = count('offers', o.offers);
  const trips = count('trips', o.trips);
  const departures = count('departures', o.departures);
  if (o.shape === 'merchant') {
    if (trips !== undefined || departures !== undefined) fail('trips', '--trips and --departures are for --shape tour only', trips ?? departures);
    if (offers === undefined) fail('offers', '--offers N is required for --shape merchant', offers);
    return { shape: 'merchant', format: o.format, container, out: o.out, offers, seed, level, entryName, tour: undefined };
  }
  if (o.format !== 'xml') fail('format', 'the tour-operator shape is XML only: use --format xml', o.format);
  const tour = tourPlan(offers, trips, departures);
  return { shape: 'tour', format: 'xml', container, out: o.out, offers: tour.offers, seed, level, entryName, tour };
}

/**
 * offers alone: trips of `departures` (800), the last one shorter. trips alone: trips × departures.
 * Both: departures = ceil(offers / trips) unless given, and then they must agree.
 */
export function tourPlan(offers: number | undefined, trips: number | undefined, departures: number | undefined): TourPlan {
  if (offers === undefined && trips === undefined) fail('offers', '--offers N or --trips N is required for --shape tour', undefined);
  if (offers === undefined) {
    const d = departures ?? DEFAULT_DEPARTURES;
    const total = (trips as number) * d;
    if (!Number.isSafeInteger(total)) fail('trips', '--trips × --departures is too large', total);
    return { trips: trips as number, departuresPerTrip: d, offers: total };
  }
  if (trips === undefined) {
    const d = departures ?? DEFAULT_DEPARTURES;
    return { trips: Math.ceil(offers / d), departuresPerTrip: d, offers };
  }
  const d = departures ?? Math.ceil(offers / trips);
  if (offers > trips * d || offers <= (trips - 1) * d) {
    fail('offers', `--offers ${offers} cannot be split into --trips ${trips} of --departures ${d} (the last trip may only be shorter)`, offers);
  }
  return { trips, departuresPerTrip: d, offers };
}
