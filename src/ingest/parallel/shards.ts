/**
 * The shard threads of a parallel load and their bookkeeping: each shard loads the work it is sent
 * into its own staging file; the least busy shard takes the next piece; acks carry record and
 * reject counts (the reject limit holds across shards); `finish()` merges the shard files into the
 * version's file in oid order (work item `seq` numbers its offers from `seq * CHUNK_OID_SPAN`).
 * The input side (CSV byte chunks, XML record batches) lives in csv-load.ts and xml-load.ts.
 */
import { readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { FeedmillError } from '../../errors.js';
import { fromThread, type LoadSink } from '../../staging/load-sink.js';
import { StagingWriter, type LoadCounts } from '../../staging/writer.js';
import { ID_DIGEST_MAX } from '../../staging/id-digest.js';
import { siblingWorkerFile } from '../../worker-file.js';
import type { ShardMessage, ShardReport, ShardResult, ShardSegment, ShardSetup, ShardTask } from './shard-worker.js';

/** Work items queued per shard before the reader waits. */
const IN_FLIGHT_PER_SHARD = 2;

/**
 * Offers per segment of the shards after the first (see shard-worker.ts): ~60 MB of merchant rows,
 * copied into the version's file in ~0.1 s. The last segments are what the serial tail still
 * copies: about half of one per shard.
 */
export const SEGMENT_OFFERS = 65_536;

/** Work-item buffers kept for reuse once a shard gives them back (see takeBuffer). */
const FREE_BUFFERS_PER_SHARD = 3;

export interface ShardSetOptions {
  /** The version's loading file: shard 0 writes it, the others are merged into it. */
  path: string;
  /** Offers per segment (tests use small ones); default SEGMENT_OFFERS. */
  segmentOffers?: number | undefined;
  shards: number;
  rejectLimit: number;
  /** What every shard needs to map records (profile, header or XML root...). */
  setup: ShardSetup;
}

interface Shard {
  port: MessagePort;
  done: Promise<ShardResult | null>;
  inFlight: number;
  records: number;
  rejected: number;
}

export class ShardSet implements LoadSink {
  readonly db = undefined;
  readonly #opts: ShardSetOptions;
  readonly #pool: Piscina;
  readonly #shards: Shard[];
  #failure: FeedmillError | undefined;
  #waiter: (() => void) | undefined;
  #closed = false;
  #poolDestroyed: Promise<void> | undefined;
  /** Id hashes of the segments shard 0 took in during the load, for the merged file's writer; undefined once given up. */
  #segmentIds: Float64Array[] | undefined = [];
  #segmentIdCount = 0;
  /** Buffers of work items the shards have loaded, for the next items. */
  readonly #free: ArrayBuffer[] = [];
  /** The shard files' removal has started (see #removeShardFilesLater). */
  #removed = false;

  constructor(opts: ShardSetOptions) {
    this.#opts = opts;
    this.#pool = new Piscina({ ...siblingWorkerFile(import.meta.url, 'shard-worker'), minThreads: opts.shards, maxThreads: opts.shards, concurrentTasksPerWorker: 1, idleTimeout: 1000 });
    this.#shards = Array.from({ length: opts.shards }, (_, i) => this.#startShard(i));
  }

  #startShard(i: number): Shard {
    const { port1, port2 } = new MessageChannel();
    const o = this.#opts;
    const path = i === 0 ? o.path : `${o.path}.shard${i}`;
    const task: ShardTask = { path, rejectLimit: o.rejectLimit, setup: o.setup, port: port2, segmentOffers: i === 0 ? undefined : (o.segmentOffers ?? SEGMENT_OFFERS) };
    const shard: Shard = { port: port1, done: Promise.resolve(null), inFlight: 0, records: 0, rejected: 0 };
    port1.on('message', (m: ShardReport) => {
      if ('segment' in m) {
        this.#mergeSegment(m.segment);
        return;
      }
      shard.inFlight--;
      if (m.buffer !== undefined && this.#free.length < FREE_BUFFERS_PER_SHARD * o.shards) this.#free.push(m.buffer);
      shard.records = m.records;
      shard.rejected = m.rejected;
      const rejected = this.#shards.reduce((n, s) => n + s.rejected, 0);
      if (rejected > o.rejectLimit && this.#failure === undefined) {
        this.#failure = new FeedmillError(
          'FEEDMILL_INGEST_REJECT_LIMIT',
          `more than ${o.rejectLimit} records were rejected; fix the source or raise --reject-limit (\`feedmill rejects\` lists them once a load completes)`,
          { rejectLimit: o.rejectLimit, rejected },
        );
      }
      this.#wake();
    });
    shard.done = (this.#pool.run(task, { transferList: [port2] }) as Promise<ShardResult | null>).catch((err: unknown) => {
      this.#failure ??= fromThread(err);
      this.#wake();
      throw this.#failure;
    });
    shard.done.catch(() => {}); // observed through #failure and finish()
    return shard;
  }

  /** Records parsed so far (for progress). */
  get records(): number {
    return this.#shards.reduce((n, s) => n + s.records, 0);
  }

  /**
   * A shard closed a segment: shard 0 copies it into the version's file between two work items.
   * Counted in flight at once, before the ack of the item that filled the segment comes in (the
   * shard posts them in that order), so `finish()` never closes shard 0 with a segment unmerged.
   * After a failure the segment is left to the file cleanup.
   */
  #mergeSegment(segment: ShardSegment): void {
    if (this.#failure !== undefined || this.#closed) return;
    const first = this.#shards[0] as Shard;
    first.inFlight++;
    // Its id hashes stay here for the merged file's duplicate check; shard 0 only copies rows.
    this.#keepSegmentIds(segment.closed.idHashes);
    const rows: ShardSegment = { path: segment.path, closed: { counts: segment.closed.counts, idHashes: undefined } };
    first.port.postMessage({ merge: rows } satisfies ShardMessage);
  }

  /**
   * A buffer of at least `bytes` for the next work item, whole (its memory moves to a shard with
   * the item): one a shard gave back when there is one large enough, else a new one of at least
   * `least` bytes. A fresh 4 MiB buffer per chunk is pages for the kernel to fault in and zero, and
   * memory the threads' heaps free late: reusing them took the CSV load's peak RSS from 332-340 MB
   * to 280-292 MB. (The ingest thread's ~80 full GCs during an RSS load stayed: not these buffers.)
   */
  protected takeBuffer(bytes: number, least: number): Buffer {
    const i = this.#free.findIndex((b) => b.byteLength >= bytes);
    const ab = i === -1 ? undefined : this.#free.splice(i, 1)[0];
    return ab === undefined ? Buffer.allocUnsafeSlow(Math.max(bytes, least)) : Buffer.from(ab, 0, ab.byteLength);
  }

  /**
   * Keeps a segment's id hashes, up to the digest's cap (ID_DIGEST_MAX): past it, or once a
   * segment came without them, none are kept and the merged file's check runs in SQL. Memory
   * must not grow with the catalog: 40 M offers would be 160 MB of hashes here.
   */
  #keepSegmentIds(hashes: Float64Array | undefined): void {
    const ids = this.#segmentIds;
    if (ids === undefined) return;
    this.#segmentIdCount += hashes?.length ?? 0;
    if (hashes === undefined || this.#segmentIdCount > ID_DIGEST_MAX) this.#segmentIds = undefined;
    else ids.push(hashes);
  }

  /** Sends one work item to the least busy shard; `transfer` moves its buffers without a copy. */
  dispatch(message: ShardMessage, transfer: ArrayBuffer[] = []): void {
    this.check();
    // Oids come from the item's seq, so the order holds whichever shard loads it.
    let target = this.#shards[0] as Shard;
    for (const s of this.#shards) if (s.inFlight < target.inFlight) target = s;
    target.inFlight++;
    target.port.postMessage(message, transfer);
  }

  async drain(): Promise<void> {
    while (this.#inFlight() > IN_FLIGHT_PER_SHARD * this.#shards.length && this.#failure === undefined) await this.#wait();
    this.check();
  }

  /** Waits for every work item, closes the shards and merges them into the version's file. */
  async finish(): Promise<LoadCounts> {
    while (this.#inFlight() > 0 && this.#failure === undefined) await this.#wait();
    this.check();
    this.#closed = true;
    try {
      for (const s of this.#shards) s.port.postMessage({ finish: true } satisfies ShardMessage);
      const last = (await Promise.all(this.#shards.map((s) => s.done))) as ShardResult[];
      // The shards have closed their files: their threads' heaps go before the merge and index
      // build take their page caches (the load's peak of memory was there, ~40 MB higher).
      await this.#destroyPool();
      const merged = new StagingWriter(this.#opts.path, { rejectLimit: this.#opts.rejectLimit, resume: (last[0] as ShardResult).closed });
      try {
        if (this.#segmentIds === undefined) merged.takeIdHashes(undefined);
        else for (const ids of this.#segmentIds) merged.takeIdHashes(ids);
        merged.appendShards(
          last.slice(1).map((r) => r.path),
          last.slice(1).map((r) => r.closed),
        );
        this.#removeShardFilesLater();
        return merged.finish();
      } catch (e) {
        merged.abort();
        throw e;
      }
    } finally {
      await this.#destroyPool();
      this.#removeShardFiles();
    }
  }

  #destroyPool(): Promise<void> {
    this.#poolDestroyed ??= this.#pool.destroy();
    return this.#poolDestroyed;
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#shards) s.port.postMessage({ abort: true } satisfies ShardMessage);
    await Promise.allSettled(this.#shards.map((s) => s.done));
    await this.#destroyPool();
    this.#removeShardFiles();
  }

  product(): number {
    throw notHere();
  }
  offer(): void {
    throw notHere();
  }
  standaloneOffer(): void {
    throw notHere();
  }
  acceptWithoutOffer(): void {
    throw notHere();
  }
  reject(): void {
    throw notHere();
  }

  check(): void {
    if (this.#failure) throw this.#failure;
  }

  /**
   * The other shards' files and segments (`<loading>.shardN`, `<loading>.shardN-M`). Shard 0 is the
   * version's loading file, which the version bookkeeping removes on failure.
   */
  #shardFiles(): string[] {
    const dir = dirname(this.#opts.path);
    const prefix = `${basename(this.#opts.path)}.shard`;
    try {
      return readdirSync(dir)
        .filter((n) => n.startsWith(prefix))
        .map((n) => join(dir, n));
    } catch {
      return [];
    }
  }

  #removeShardFiles(): void {
    if (this.#removed) return;
    for (const f of this.#shardFiles()) rmSync(f, { force: true });
  }

  /**
   * Once merged, the other shards' files are dead weight. Freeing a 460 MB tmpfs file takes the
   * kernel ~0.2 s: that runs on the thread pool, on the core the merge leaves idle, instead of at
   * the end of the load's serial tail. Nothing reads the files any more; a removal that fails
   * leaves a `<loading>.shardN` file, which the version bookkeeping sweeps with dead loads.
   */
  #removeShardFilesLater(): void {
    this.#removed = true;
    for (const f of this.#shardFiles()) rm(f, { force: true }).catch(() => undefined);
  }

  #inFlight(): number {
    return this.#shards.reduce((n, s) => n + s.inFlight, 0);
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}

function notHere(): FeedmillError {
  return new FeedmillError('FEEDMILL_INTERNAL', 'a parallel load takes its input through its own methods, not rows');
}
