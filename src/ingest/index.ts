export { ingestFile, ingestSource, ingestReport, type IngestOptions, type IngestResult, type IngestProgress } from './ingest.js';
export { isUrl } from './download.js';
export { charsetOf } from './decode.js';
export { findProfile, selectCsvProfile, selectXmlProfile } from './select-profile.js';
export { PROFILES, PROFILE_OPTIONS, checkProfileOptions } from './profiles/index.js';
export { CsvEngine, type CsvDialect } from './csv/engine.js';
export { XmlEngine } from './xml/engine.js';
export type { Profile, ProfileContext, ProfileSink, CsvMapper, XmlMapper, XmlNode } from './profile.js';
export { restageIfMissing } from './restage.js';
