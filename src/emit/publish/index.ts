export { publishFeed, commitFeed, copyPublished, writeManifest, listVersionSequences, type PublishInput, type PublishResult, type CommitOptions } from './publish.js';
export { FeedAssembler, type FeedTarget, type WrittenFeed, type WrittenFile, type PublishStep, type StepHook } from './assembler.js';
export { rollbackFeed, listFeedVersions, type RollbackInput, type KeptVersion } from './rollback.js';
export { readManifest, manifestPath, manifestName, MANIFEST_FORMAT, type FeedManifest, type ManifestFile } from './manifest.js';
export { checkPublishGate, type GateInput } from './gate.js';
export { planFiles, numberedFileName, type PartFile, type FeedLimits, type PlannedFile } from './split.js';
export { gzipMember, isGzipMember, gzipFileName, DEFAULT_GZIP_LEVEL } from './gzip-members.js';
export { fsyncDir, removeStaleTemps, writeTempFile } from './durable-fs.js';
