export { TransformPool, abortError, type TransformPoolOptions, type RunAllOptions } from './pool.js';
export { partitionOffers, rangeCount, partName, DEFAULT_RANGE_ROWS, MIN_RANGES, type IndexedRange } from './partition.js';
export { PartWriter, type PartStats } from './part-writer.js';
export type { TransformTask, TransformResult, ChannelPartResult, Keyed } from './task.js';
