export { STAGING_SCHEMA_VERSION, STAGING_DDL, OFFER_COLUMNS, PRODUCT_COLUMNS } from './schema.js';
export { openForLoad, openForRead, type StagingDb } from './open.js';
export { StagingWriter, type LoadCounts, type StagingWriterOptions } from './writer.js';
export { CatalogVersions, type VersionInfo, type NewVersion, type SourceDescription, type LoadSettings } from './versions.js';
export { iterateOffers, scanOffers, oidBounds, rowidRanges, readMeta, STAGED_OFFER_SQL, STAGED_OFFER_BATCH_SQL, type StagedOffer, type RowidRange } from './reader.js';
export { localLoadSink, ThreadLoadSink, type LoadSink } from './load-sink.js';
export { coverageNotes, urlCoverage, COVERAGE_SAMPLE, type UrlCoverage } from './url-coverage.js';
