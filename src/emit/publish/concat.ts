/**
 * Appends feed pieces (header bytes, part files, footer bytes) to one open file, hashing while
 * copying. The main thread only copies bytes here: parts were rendered (and, for a gzipped feed,
 * compressed into complete gzip members) by the workers. Memory stays at one copy buffer.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

export type FeedPiece = { kind: 'bytes'; data: Uint8Array } | { kind: 'file'; path: string };

const COPY_BUFFER_BYTES = 1 << 20;

export interface ConcatResult {
  bytes: number;
  sha256: string;
}

/** Appends one piece; every hash in `hashes` receives its bytes. Returns the bytes appended. */
export async function appendPiece(out: FileHandle, piece: FeedPiece, hashes: readonly Hash[], buffer?: Buffer): Promise<number> {
  if (piece.kind === 'bytes') {
    await writeAll(out, piece.data);
    for (const h of hashes) h.update(piece.data);
    return piece.data.length;
  }
  const buf = buffer ?? Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  const input = await open(piece.path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      await writeAll(out, chunk);
      for (const h of hashes) h.update(chunk);
      bytes += bytesRead;
    }
  } finally {
    await input.close();
  }
  return bytes;
}

/** Appends every piece in order; `afterPiece` runs after each (progress, test faults). */
export async function concatPieces(
  out: FileHandle,
  pieces: readonly FeedPiece[],
  options: { afterPiece?: (index: number) => void | Promise<void>; signal?: AbortSignal } = {},
): Promise<ConcatResult> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  let bytes = 0;
  for (const [i, piece] of pieces.entries()) {
    options.signal?.throwIfAborted();
    bytes += await appendPiece(out, piece, [hash], buffer);
    await options.afterPiece?.(i);
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function writeAll(out: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await out.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}
