export { escapeXmlText, escapeXmlAttr, removeXmlForbidden, csvQuoter, escapeCsvField, escapeTsvField } from './escape.js';
export { compileXmlItem, fillXmlTemplate, isXmlName, type XmlElementSpec, type XmlItemValues, type XmlItemAttrs, type XmlItemWriter } from './xml-writer.js';
export { compileCsvRow, csvHeaderLine, fieldEscaper, CSV_DELIMITERS, type CsvQuoting, type CsvRowValues, type CsvRowWriter } from './csv-writer.js';
export {
  publishFeed,
  rollbackFeed,
  listFeedVersions,
  readManifest,
  manifestPath,
  checkPublishGate,
  planFiles,
  numberedFileName,
  gzipMember,
  gzipFileName,
  isGzipMember,
  concatPieces,
  fsyncDir,
  writeTempFile,
  DEFAULT_GZIP_LEVEL,
  type PublishInput,
  type PublishResult,
  type PublishStep,
  type RollbackInput,
  type KeptVersion,
  type FeedManifest,
  type ManifestFile,
  type PartFile,
  type FeedLimits,
} from './publish/index.js';
