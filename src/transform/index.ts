export { toItem, cloneItem, type Item, type ItemField } from './item.js';
export {
  loadChannel,
  listChannels,
  readDefinition,
  compileChannel,
  parseChannelDefinition,
  DEFAULT_FEEDS_DIR,
  FIELD_KINDS,
  CHANNEL_FORMATS,
  type ChannelDefinition,
  type FieldDefinition,
  type FieldKind,
  type ChannelFormat,
  type ChannelLimits,
  type CompiledChannel,
  type FeedContext,
  type FeedRecord,
  type RenderResult,
  type RenderWarning,
} from './channels/index.js';
export { QualityCounter, formatQualityReport, MAX_EXAMPLES, type QualitySnapshot, type QualityEntry } from './quality-report.js';
export {
  checkGtin,
  isValidGtin,
  gs1CheckDigit,
  isHttpUrl,
  isIsoDate,
  cleanText,
  stripHtml,
  decodeEntities,
  truncateAtWord,
  charLength,
  parseFeedPrice,
  DuplicateIdChecker,
  REASONS,
  type Reason,
} from './validate/index.js';
export { checkFeedFile, readFeedRecords, type FeedCheckResult } from './validate/feed-file.js';
export { exportCatalog, type ExportOptions, type ExportResult, type ExportedFeed } from './export.js';
export {
  TransformPool,
  partitionOffers,
  rangeCount,
  DEFAULT_RANGE_ROWS,
  type TransformPoolOptions,
  type TransformTask,
  type TransformResult,
  type ChannelPartResult,
} from './pool/index.js';
