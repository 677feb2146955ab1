/**
 * CRC-32 (IEEE 802.3, the one ZIP and gzip use), incremental: `crc32(b, crc32(a))` equals
 * `crc32(Buffer.concat([a, b]))`. Uses zlib's native crc32 where Node has it (20.15+), else a table.
 */
import * as zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, value?: number) => number;

const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

let table: Uint32Array | undefined;

function buildTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The table implementation, exported so that tests can check it against the native one. */
export function crc32Portable(data: Uint8Array, value = 0): number {
  const t = (table ??= buildTable());
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const crc32: Crc32Fn = native ?? crc32Portable;
