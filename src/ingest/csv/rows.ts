/**
 * What happens to each CSV data row once the header is known: the column count is checked, then the
 * profile maps the row. Shared by the ingest thread and the shard threads of a parallel load, so a
 * row is judged the same way whichever thread parses it.
 */
import { REJECT_RAW_MAX, type RecordLocation } from '../../model.js';
import type { CsvMapper, ProfileSink } from '../profile.js';
import type { CsvRecordSink } from './engine.js';

export function csvRowHandler(width: number, mapper: CsvMapper, sink: ProfileSink, byteOffset: () => number): CsvRecordSink {
  return (fields, line, raw) => {
    if (fields.length !== width) {
      // Trailing empty fields (a stray delimiter at the line end) are harmless; anything else is not.
      while (fields.length > width && fields[fields.length - 1] === '') fields.pop();
      if (fields.length !== width) {
        sink.reject({
          line,
          byteOffset: byteOffset(),
          code: 'RECORD_COLUMN_COUNT',
          message: `the row has ${fields.length} fields where the header has ${width}; a delimiter or quote is probably missing`,
          raw: raw.slice(0, REJECT_RAW_MAX),
        });
        return;
      }
    }
    mapper.row(fields, new RowLocation(line, byteOffset, raw), sink);
  };
}

/**
 * A row's location; its byte offset is computed only when asked for (a reject, a Magento child),
 * since measuring UTF-8 lengths for every row cost a third of the parse. A getter on the class,
 * not on each object: an object literal with its own getter cost ~0.3 µs a row to create, against
 * ~15 ns for this. Spreading it drops the getter: use `locationOf` (profiles/common.ts).
 */
class RowLocation implements RecordLocation {
  readonly line: number;
  readonly raw: string;
  readonly #byteOffset: () => number;

  constructor(line: number, byteOffset: () => number, raw: string) {
    this.line = line;
    this.raw = raw;
    this.#byteOffset = byteOffset;
  }

  get byteOffset(): number {
    return this.#byteOffset();
  }
}
