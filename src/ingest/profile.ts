/**
 * The contract between the parsers and the source profiles.
 *
 * A parser (CSV or XML) turns bytes into records with their location; a profile maps each record to
 * the canonical model through a `ProfileSink` (the staging writer). Every record must end as exactly
 * one accepted offer set, one `acceptWithoutOffer()`, or one or more rejects, so that
 * `seen = accepted + rejected` holds. Profiles never see bytes and never touch files.
 */
import type { OfferInput, ProductInput, RecordLocation, RejectInput } from '../model.js';
import type { FeedmillError } from '../errors.js';
import type { StagingDb } from '../staging/index.js';

export interface ProfileSink {
  /** Stores a product; returns its pid for `offer()`. */
  product(p: ProductInput): number;
  offer(pid: number, o: OfferInput, line: number): void;
  /** A flat record (one product, one offer) stored as one row: use this for row-per-offer sources. */
  standaloneOffer(p: ProductInput, o: OfferInput, line: number): void;
  /** A record that is valid but lists nothing itself (a configurable parent row). */
  acceptWithoutOffer(): void;
  reject(r: RejectInput): void;
}

export interface ProfileContext {
  /** Used when a price carries no currency. */
  defaultCurrency: string | undefined;
  /** File name of the source (for messages). */
  sourceName: string;
  /**
   * The catalog file's own name, without folders: the zip entry's when the source is an archive,
   * else `sourceName`. Companion files are named after it (PrestaShop's combinations file).
   */
  fileName?: string;
  /**
   * The staging DB being loaded, for profiles that keep side tables during the load and resolve
   * them in `finish()` (e.g. Magento parents that come after their children). Only SQL with bound
   * parameters; never text from the source concatenated into SQL.
   */
  db: StagingDb;
  /**
   * Reads a small companion file next to the source (same directory), for formats spread over
   * several files such as PrestaShop's demo data XML; undefined when there is none or the source
   * is not a local file. Bounded: meant for lookup tables, never for the record stream.
   */
  readSibling(relativePath: string): Buffer | undefined;
  /** `key=value` options given for the profile (`--profile-option k=v`); a profile validates its own. */
  options?: Readonly<Record<string, string>>;
  /** XML sources: the root element, for settings it carries (e.g. the tour catalog's currency). */
  xmlRoot?: { name: string; attrs: Readonly<Record<string, string>> };
}

/** An XML element collected whole (a record element and everything inside it). */
export interface XmlNode {
  /** Qualified name as written, e.g. `item`, `g:price`. */
  name: string;
  attrs: Record<string, string>;
  /** Concatenated text and CDATA directly inside this element (not of children). */
  text: string;
  children: XmlNode[];
  /** 1-based line of the start tag. */
  line: number;
}

export interface CsvMapper {
  /** Maps one data row. `fields.length` equals the header length (the parser rejects other rows). */
  row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void;
  /** After the last row, before indexes: resolve side tables. */
  finish?(db: StagingDb): void;
}

export interface XmlMapper {
  /**
   * True when an element with this name, at this depth (root = 0), is one record; the parser then
   * collects it whole and calls `record`. Elements outside records are streamed, never kept.
   */
  isRecord(name: string, depth: number): boolean;
  record(node: XmlNode, loc: RecordLocation, sink: ProfileSink): void;
  finish?(db: StagingDb): void;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  /**
   * True when the mapper uses `ctx.db` (side tables resolved in `finish()`): the load then stays on
   * the ingest thread instead of a writer thread.
   */
  readonly needsStagingDb?: boolean;
  /**
   * True when each CSV row maps on its own (no state across rows, no side tables, standalone
   * offers only): a large file may then be cut into chunks loaded by several threads at once.
   */
  readonly independentCsvRows?: boolean;
  /** The same for XML records (standalone offers, no `finish()`): a large feed may be loaded by several threads. */
  readonly independentXmlRecords?: boolean;
  /** 0..1: how sure this profile is that it reads a CSV with this header (for --profile auto). */
  detectCsv?(header: readonly string[]): number;
  /**
   * Why a header this profile would otherwise read is refused (a coded error saying what to fix), or
   * undefined: with --profile auto, shown instead of "no profile recognises" when nothing matches.
   */
  refuseCsv?(header: readonly string[]): FeedmillError | undefined;
  /** 0..1: how sure this profile is that it reads an XML document with this root element. */
  detectXml?(rootName: string, rootAttrs: Readonly<Record<string, string>>): number;
  /**
   * Validates `--profile-option` values before any load (a catalog's stored options are checked
   * when they are set); throws FEEDMILL_PROFILE_OPTION_UNKNOWN or _INVALID. Without it, the profile
   * takes no options.
   */
  checkOptions?(options: Readonly<Record<string, string>>): void;
  /** Throws FEEDMILL_PROFILE_MISMATCH when the header lacks what the profile needs. */
  csv?(header: readonly string[], ctx: ProfileContext): CsvMapper;
  xml?(rootName: string, ctx: ProfileContext): XmlMapper;
}
