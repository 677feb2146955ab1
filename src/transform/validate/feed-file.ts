/**
 * Checking an existing feed file against a channel (`feedmill validate`): the file is streamed
 * (gzip detected by its magic bytes), parsed with sax (XML) or csv-parse (CSV/TSV), and every item
 * goes through the channel's `check`, plus id uniqueness. Memory stays flat whatever the file size,
 * apart from the set of ids.
 *
 * sax's stream gives no backpressure, so the sax parser is driven from our own loop over the
 * file's chunks; csv-parse is consumed as an async iterator, which does honour backpressure.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import sax from 'sax';
import { parse as csvParse } from 'csv-parse';
import { FeedmillError } from '../../errors.js';
import type { CompiledChannel, FeedRecord } from '../channels/index.js';
import { shippingFromParts } from '../../model.js';
import { QualityCounter, type QualitySnapshot } from '../quality-report.js';
import { DuplicateIdChecker } from './duplicate-ids.js';

export interface FeedCheckResult {
  file: string;
  channel: string;
  gzip: boolean;
  quality: QualitySnapshot;
}

export async function checkFeedFile(path: string, channel: CompiledChannel, signal?: AbortSignal): Promise<FeedCheckResult> {
  const gzip = isGzip(path);
  const counter = new QualityCounter();
  const ids = new DuplicateIdChecker();
  const idField = channel.idField;
  let n = 0;
  for await (const record of readFeedRecords(openFeed(path, gzip, signal), channel)) {
    n++;
    const id = idField === undefined ? undefined : record.get(idField)?.[0];
    const result = channel.check(record);
    if (result.ok && idField !== undefined && id !== undefined && id !== '' && ids.isDuplicate(id)) {
      counter.add(id, { ok: false, field: idField, reason: 'duplicate_id' });
    } else {
      counter.add(id === undefined || id === '' ? `#${n}` : id, result);
    }
  }
  return { file: path, channel: channel.name, gzip, quality: counter.toJSON() };
}

function isGzip(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', `cannot open the feed file ${path}`, { path }, { cause: err });
  }
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function openFeed(path: string, gzip: boolean, signal: AbortSignal | undefined): Readable {
  const file = createReadStream(path, { signal, highWaterMark: 1 << 16 });
  if (!gzip) return file;
  const gunzip = createGunzip();
  file.on('error', (err) => gunzip.destroy(err));
  return file.pipe(gunzip);
}

/** The items of a feed file as records (output name → values), in file order. */
export async function* readFeedRecords(bytes: Readable, channel: CompiledChannel): AsyncGenerator<FeedRecord> {
  try {
    if (channel.format === 'xml') yield* readXml(bytes, channel);
    else yield* readCsv(bytes, channel);
  } catch (err) {
    if (err instanceof FeedmillError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the gzip feed is damaged: ${(err as Error).message}`, {}, { cause: err });
    }
    throw err;
  } finally {
    bytes.destroy();
  }
}

async function* readXml(bytes: Readable, channel: CompiledChannel): AsyncGenerator<FeedRecord> {
  const itemName = channel.definition.xml?.item ?? 'item';
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  const ready: Map<string, string[]>[] = [];
  let record: Map<string, string[]> | undefined;
  let depth = 0;
  let itemDepth = -1;
  let child: string | undefined;
  let text = '';
  // Sub-elements of a child (`g:shipping` → `g:country`, `g:price`): local name → text.
  let sub: string | undefined;
  let subText = '';
  const parts = new Map<string, string>();
  const shippingFields = new Set(channel.definition.fields.filter((f) => f.kind === 'shipping').map((f) => f.name));
  parser.ondoctype = () => {
    throw new FeedmillError('FEEDMILL_XML_DOCTYPE', 'the feed declares a DOCTYPE, which is refused (entity expansion)', { line: parser.line + 1 });
  };
  parser.onopentag = (tag) => {
    depth++;
    if (record === undefined) {
      if (tag.name === itemName) {
        record = new Map();
        itemDepth = depth;
      }
    } else if (depth === itemDepth + 1) {
      child = tag.name;
      text = '';
      parts.clear();
    } else if (depth === itemDepth + 2 && child !== undefined) {
      sub = tag.name.slice(tag.name.indexOf(':') + 1);
      subText = '';
    }
  };
  const onText = (t: string) => {
    if (sub !== undefined) subText += t;
    else if (child !== undefined) text += t;
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = (name) => {
    if (record !== undefined && depth === itemDepth + 2 && sub !== undefined) {
      parts.set(sub, subText.trim());
      sub = undefined;
    } else if (record !== undefined && depth === itemDepth + 1 && child === name) {
      // A grouped element reads as the text form its channel field checks: country:region:service:price.
      const value = parts.size === 0 ? text.trim() : shippingFields.has(name) ? shippingFromParts(parts) : [...parts.values()].join(':');
      const list = record.get(name);
      if (list === undefined) record.set(name, [value]);
      else list.push(value);
      child = undefined;
    } else if (record !== undefined && depth === itemDepth) {
      ready.push(record);
      record = undefined;
    }
    depth--;
  };
  parser.onerror = (err) => {
    throw new FeedmillError(
      'FEEDMILL_XML_MALFORMED',
      `the feed is not well-formed XML at line ${parser.line + 1}, column ${parser.column + 1}: ${err.message.split('\n')[0]}`,
      { line: parser.line + 1, column: parser.column + 1 },
      { cause: err },
    );
  };
  const decoder = new StringDecoder('utf8');
  for await (const chunk of bytes) {
    parser.write(decoder.write(chunk as Buffer));
    while (ready.length > 0) yield ready.shift() as FeedRecord;
  }
  parser.write(decoder.end()).close();
  while (ready.length > 0) yield ready.shift() as FeedRecord;
}

async function* readCsv(bytes: Readable, channel: CompiledChannel): AsyncGenerator<FeedRecord> {
  const csv = channel.definition.csv;
  const delimiter = csv?.delimiter ?? (channel.format === 'tsv' ? '\t' : ',');
  const parser = bytes.pipe(
    csvParse({
      delimiter,
      quote: csv?.quoting === 'none' ? false : '"',
      bom: true,
      columns: false,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
  let header: string[] | undefined;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = row;
        continue;
      }
      const record = new Map<string, string[]>();
      header.forEach((name, i) => record.set(name, [row[i] ?? '']));
      yield record;
    }
  } catch (err) {
    const e = err as { code?: string; message: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') throw new FeedmillError('FEEDMILL_CSV_UNCLOSED_QUOTE', `a quoted field is never closed: ${e.message}`, { line: e.lines }, { cause: err });
    if (e.code === 'CSV_INVALID_CLOSING_QUOTE' || e.code === 'INVALID_OPENING_QUOTE') {
      throw new FeedmillError('FEEDMILL_CSV_INVALID_QUOTE', `a quote appears inside an unquoted field: ${e.message}`, { line: e.lines }, { cause: err });
    }
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      throw new FeedmillError('FEEDMILL_FEED_INVALID', `a row has more or fewer fields than the header: ${e.message}`, { line: e.lines }, { cause: err });
    }
    throw err;
  } finally {
    parser.destroy();
  }
  if (header === undefined) throw new FeedmillError('FEEDMILL_CSV_NO_HEADER', 'the feed file has no header row', {});
}
