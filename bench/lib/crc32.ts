/** The bench zip writer shares the project's CRC-32 (the one that verifies zip entries). */
export { crc32, crc32Portable } from '../../src/crc32.js';
