/**
 * What a serialiser gives the chunker: the file's head, then one record's text at a time
 * (a CSV row, an RSS item, a whole trip), then its tail. Records are built with template strings
 * and joined into ~1 MB chunks by `catalogChunks`, so the generator never holds the file.
 */
export interface RecordSource {
  head(): string;
  /** The next record's text, or undefined when all are out. */
  next(): string | undefined;
  tail(): string;
  /** Offers written so far (rows, items, departures). */
  readonly offers: number;
  /** Products written so far (item groups and single offers, trips). */
  readonly products: number;
}

/** ~1 Mi characters per chunk: large enough that stream overhead vanishes, small enough to stay flat. */
export const CHUNK_CHARS = 1 << 20;

/**
 * UTF-8 chunks of the whole file, built lazily: a consumer that stops pulling stops the generator.
 * Records are collected in an array and joined once per chunk: join copies each record's rope
 * into one flat string, which measured several times faster than encoding record by record or
 * than encoding one rope grown with `+=`.
 */
export function* catalogChunks(source: RecordSource, chunkChars = CHUNK_CHARS): Generator<Buffer> {
  let parts: string[] = [source.head()];
  let chars = 0;
  for (let record = source.next(); record !== undefined; record = source.next()) {
    parts.push(record);
    chars += record.length;
    if (chars >= chunkChars) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      chars = 0;
    }
  }
  parts.push(source.tail());
  const last = parts.join('');
  if (last.length > 0) yield Buffer.from(last, 'utf8');
}
