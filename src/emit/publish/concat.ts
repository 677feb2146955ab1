/**
 * Concatenates feed pieces (header bytes, part files in order, footer bytes) into one open file,
 * hashing while copying. The main thread only copies bytes here: parts were rendered (and, for a
 * gzipped feed, compressed into complete gzip members) by the workers. Memory stays at one buffer.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

export type FeedPiece = { kind: 'bytes'; data: Uint8Array } | { kind: 'file'; path: string };

const COPY_BUFFER_BYTES = 1 << 20;

export interface ConcatResult {
  bytes: number;
  sha256: string;
}

/**
 * Appends every piece to `out` in order. `extraHash` also receives the bytes (the whole-feed hash of
 * a feed split into several files). `afterPiece` is called after each piece (progress, test faults).
 */
export async function concatPieces(
  out: FileHandle,
  pieces: readonly FeedPiece[],
  options: { extraHash?: Hash; afterPiece?: (index: number) => void | Promise<void>; signal?: AbortSignal } = {},
): Promise<ConcatResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  const feed = (chunk: Uint8Array): void => {
    hash.update(chunk);
    options.extraHash?.update(chunk);
    bytes += chunk.length;
  };
  const buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  for (let i = 0; i < pieces.length; i++) {
    options.signal?.throwIfAborted();
    const piece = pieces[i] as FeedPiece;
    if (piece.kind === 'bytes') {
      await writeAll(out, piece.data);
      feed(piece.data);
    } else {
      const input = await open(piece.path, 'r');
      try {
        for (;;) {
          const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
          if (bytesRead === 0) break;
          const chunk = buffer.subarray(0, bytesRead);
          await writeAll(out, chunk);
          feed(chunk);
        }
      } finally {
        await input.close();
      }
    }
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
