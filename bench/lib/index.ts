/** Shared bench utilities. Tests may import this; src/ never does. */
export { crc32 } from './crc32.js';
export {
  ZipWriter,
  writeZip,
  ZIP_DEFAULT_MTIME,
  type ZipSource,
  type ZipWriterOptions,
  type ZipEntryOptions,
  type ZipEntryInfo,
  type ZipSummary,
} from './zip-writer.js';
export { summarize, median, type Summary } from './stats.js';
export { machineInfo, describeMachine, type MachineInfo } from './machine.js';
export { peakRssBytes, startClock, printResult, runBenchmark, parseResultLine, type BenchResult } from './measure.js';
export { parseBenchArgs, type BenchArgs } from './bench-args.js';
export {
  runTrial,
  reduceTrials,
  renderTable,
  failureOf,
  type TrialSpec,
  type BenchRow,
  type BenchFailure,
} from './harness.js';
