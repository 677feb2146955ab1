/**
 * The one error class of feedmill and the closed registry of its codes.
 *
 * Users and tests match on `code` (stable, `FEEDMILL_<AREA>_<WHAT>`), never on message text.
 * Every code is documented in docs/errors.md with what the user should do; a test checks that
 * the two lists agree. Bad records are not errors: they are rejects (data) — see src/ingest.
 */

export const ERROR_CODES = {
  // config / CLI
  FEEDMILL_CONFIG_INVALID: 'a configuration value is malformed',
  FEEDMILL_CONFIG_UNKNOWN_KEY: 'an unknown (often misspelled) option or environment key',
  FEEDMILL_CLI_USAGE: 'the command line is incomplete or wrong',
  FEEDMILL_NAME_INVALID: 'a catalog, channel or token name does not match the allowed pattern',
  // sources and containers
  FEEDMILL_SOURCE_NOT_FOUND: 'the source file or URL does not exist',
  FEEDMILL_SOURCE_FETCH_FAILED: 'fetching the source URL failed',
  FEEDMILL_SOURCE_EMPTY: 'the source holds no bytes',
  FEEDMILL_SOURCE_STORE_FAILED: 'storing an uploaded or downloaded catalog file in the data dir failed (disk full, permissions)',
  FEEDMILL_ARCHIVE_CORRUPT: 'a gzip or zip container is damaged or truncated',
  FEEDMILL_ARCHIVE_AMBIGUOUS: 'a zip archive holds several candidate catalog files',
  FEEDMILL_ARCHIVE_NO_CATALOG: 'a zip archive holds no catalog file',
  FEEDMILL_ARCHIVE_UNSAFE_PATH: 'a zip entry name is absolute or climbs out with ..',
  FEEDMILL_ARCHIVE_ENCRYPTED: 'a zip entry is encrypted',
  FEEDMILL_ARCHIVE_TOO_LARGE: 'the inflated size passed the cap (zip or gzip bomb)',
  // formats
  FEEDMILL_FORMAT_UNKNOWN: 'the bytes are neither CSV/TSV nor XML',
  FEEDMILL_ENCODING_INVALID: 'the bytes are not valid in the declared or detected encoding',
  FEEDMILL_CSV_UNCLOSED_QUOTE: 'a quoted CSV field is never closed',
  FEEDMILL_CSV_INVALID_QUOTE: 'a quote character appears inside an unquoted CSV field',
  FEEDMILL_CSV_NO_HEADER: 'the CSV file has no usable header row',
  FEEDMILL_CSV_DUPLICATE_COLUMN: 'two CSV header columns map to the same field',
  FEEDMILL_XML_MALFORMED: 'the XML is not well-formed',
  FEEDMILL_XML_DOCTYPE: 'the XML declares a DOCTYPE, which is refused (entity expansion)',
  // ingest
  FEEDMILL_PROFILE_UNKNOWN: 'no such source profile',
  FEEDMILL_PROFILE_MISMATCH: 'the source does not have the shape the profile expects',
  FEEDMILL_PROFILE_OPTION_UNKNOWN: 'a profile option key is not one that profile takes (often misspelled)',
  FEEDMILL_PROFILE_OPTION_INVALID: 'a profile option value is malformed (e.g. a base URL that is not http(s))',
  FEEDMILL_INGEST_REJECT_LIMIT: 'more records were rejected than the reject limit allows',
  FEEDMILL_INGEST_NO_RECORDS: 'the source held no accepted record',
  FEEDMILL_INGEST_ABORTED: 'the ingest was canceled',
  FEEDMILL_INGEST_ABANDONED: 'the process loading a version died before it finished',
  // staging / catalogs
  FEEDMILL_CATALOG_UNKNOWN: 'no such catalog',
  FEEDMILL_CATALOG_EXISTS: 'a catalog of that name exists already',
  FEEDMILL_CATALOG_NO_VERSION: 'the catalog has no published version yet',
  FEEDMILL_STAGING_MISSING: 'the staging database of the current version is gone (RAM disk cleared)',
  FEEDMILL_STAGING_FAILED: 'writing the staging database or feed parts failed (RAM disk full?)',
  // transform / channels / rules
  FEEDMILL_CHANNEL_UNKNOWN: 'no such channel definition in feeds/',
  FEEDMILL_CHANNEL_INVALID: 'a channel definition file is malformed',
  FEEDMILL_RULES_INVALID: 'a rule set is malformed; the message names the rule and field',
  FEEDMILL_RULES_NOT_FOUND: 'a rule file or a category table it names cannot be read',
  FEEDMILL_TRANSFORM_WORKER_CRASHED: 'a transform worker died; the export was failed, no short feed published',
  FEEDMILL_TRANSFORM_ABORTED: 'the export was canceled',
  // emit / publish
  FEEDMILL_PUBLISH_GATE: 'the new feed lost too many items compared with the published one',
  FEEDMILL_PUBLISH_EMPTY: 'the new feed would be empty',
  FEEDMILL_PUBLISH_TOO_LARGE: 'the feed passes the channel size limit',
  FEEDMILL_PUBLISH_FENCED: 'a newer runner owns this task; this one may not publish',
  FEEDMILL_PUBLISH_FAILED: 'writing or renaming the feed file failed',
  FEEDMILL_FEED_INVALID: 'a feed file does not validate against its channel',
  // tasks
  FEEDMILL_TASK_UNKNOWN: 'no such task',
  FEEDMILL_TASK_STATE: 'the task is not in a state that allows this',
  FEEDMILL_TASK_KIND_UNKNOWN: 'no handler for that task kind',
  FEEDMILL_TASK_LEASE_LOST: 'the task lease expired or was taken over',
  FEEDMILL_SCHEDULE_INVALID: 'a cron expression or time zone is invalid',
  FEEDMILL_SCHEDULE_UNKNOWN: 'no such schedule',
  FEEDMILL_REMOTE_UNAVAILABLE: 'a remote service is down or timed out (retryable)',
  FEEDMILL_TASK_CANCELED: 'the task was canceled, or its bot stopped, while it ran',
  FEEDMILL_TASK_INVALID: 'a task, its parameters or a store option are malformed',
  // server
  FEEDMILL_HTTP_UNAUTHORIZED: 'a token is missing or wrong',
  FEEDMILL_HTTP_FORBIDDEN: 'the token does not open this resource',
  FEEDMILL_HTTP_NOT_FOUND: 'no such resource',
  FEEDMILL_HTTP_TOO_LARGE: 'the upload passes the body size limit',
  FEEDMILL_HTTP_UNSUPPORTED_TYPE: 'the upload is not a catalog type',
  FEEDMILL_HTTP_BAD_REQUEST: 'the request is malformed',
  FEEDMILL_HTTP_BUSY: 'too many uploads at once; retry later',
  FEEDMILL_TOKEN_UNKNOWN: 'no such token',
  FEEDMILL_HTTP_METHOD_NOT_ALLOWED: 'the resource exists but does not take this HTTP method',
  FEEDMILL_HTTP_RANGE_NOT_SATISFIABLE: 'the requested byte range lies outside the feed file',
  FEEDMILL_HTTP_UPLOAD_INCOMPLETE: 'the upload body ended before its declared length, or the client went away',
  FEEDMILL_HTTP_UNAVAILABLE: 'the server is shutting down; retry against the restarted server',
  // deploy / doctor
  FEEDMILL_DOCTOR_FAILED: 'the machine does not meet the profile; the report says what to fix',
  // bench (generator, zip writer, harness)
  FEEDMILL_BENCH_OPTION: 'a generator, zip writer or bench harness option is missing or invalid',
  FEEDMILL_BENCH_FAILED: 'a benchmark script failed or reported counts that differ from its data',
  // anything else
  FEEDMILL_INTERNAL: 'a bug: please report it with the details',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FeedmillErrorOptions {
  cause?: unknown;
  /** A remote service being down, a timeout: the task manager retries these with backoff. */
  retryable?: boolean;
}

export class FeedmillError extends Error {
  override readonly name = 'FeedmillError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: FeedmillErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...details });
    this.retryable = options.retryable ?? false;
  }

  /** Plain data, for JSON output, task rows and crossing worker boundaries. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: { ...this.details }, retryable: this.retryable };
  }

  static fromJSON(data: SerializedError): FeedmillError {
    return new FeedmillError(data.code, data.message, data.details, { retryable: data.retryable });
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  retryable: boolean;
}

export function isFeedmillError(err: unknown, code?: ErrorCode): err is FeedmillError {
  return err instanceof FeedmillError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a FeedmillError, keeping the original as `cause`. */
export function toFeedmillError(err: unknown, fallback: ErrorCode = 'FEEDMILL_INTERNAL'): FeedmillError {
  if (err instanceof FeedmillError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FeedmillError(fallback, message, {}, { cause: err });
}
