/** The HTTP server: uploads, feed pulls, task API, server-sent events, metrics and auth. */
export { FeedmillServer, startServer, type ServerOptions } from './server.js';
export type { ServerContext, UploadTaskBuilder } from './context.js';
export { TokenStore, TOKEN_SCOPES, TOKENS_DDL, hashToken, isTokenScope, assertScope, type TokenScope, type TokenInfo, type IssuedToken } from './tokens.js';
export { addCatalog, updateCatalog, describeCatalog, removeCatalog, validateCatalogSpec, type AdminDeps, type CatalogSpec, type CatalogDetails } from './catalog-admin.js';
export { FetchLog, FETCH_LOG_DDL, type FetchRecord, type FetchEntry, type FetchQuery } from './fetch-log.js';
export { pipelineTaskForUpload } from './upload-task.js';
export { sniffUpload, type UploadKind } from './upload-sniff.js';
export { notModified, selectRange, parseRange, acceptsGzip, type RangeResult } from './conditional.js';
