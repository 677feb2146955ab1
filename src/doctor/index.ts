export { runDoctor, type DoctorOptions } from './doctor.js';
export { formatReport, formatBytes, type CheckResult, type CheckStatus, type DoctorReport } from './report.js';
export {
  catalogNeed,
  TOUR_STAGING_BYTES_PER_OFFER,
  FLAT_STAGING_BYTES_PER_OFFER,
  PART_BYTES_PER_STAGING_BYTE,
  type CatalogSize,
  type CatalogNeed,
} from './sizing.js';
export { parseMountInfo, mountFor, type MountEntry } from './mounts.js';
export type { Space } from './system.js';
export { checkNodeRelease, checkSqliteRows, RECOMMENDED_NODE, NODE_FLOOR, type RuntimeView } from './runtime.js';
