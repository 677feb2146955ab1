/**
 * Where an ingest sends its records: straight into a StagingWriter on this thread (small sources,
 * and profiles that resolve side tables in the staging DB), or in batches to a writer thread, so
 * that the SQLite inserts run on a second core while this one decodes, parses and maps.
 *
 * Both keep the writer's invariants: one producer numbers products itself (pids are assigned here,
 * in the same order the writer assigns them), and every record ends accepted or rejected.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { siblingWorkerFile } from '../worker-file.js';
import { FeedmillError, type SerializedError } from '../errors.js';
import type { OfferInput, ProductInput, RejectInput } from '../model.js';
import type { StagingDb } from './open.js';
import { offerRow, productRow, StagingWriter, type LoadCounts } from './writer.js';
import type { WriterMessage } from './writer-worker.js';
import { KIND_OFFER, KIND_PRODUCT, RowBatchBuilder, transferablesOf } from './row-batch.js';

export interface LoadSink {
  product(p: ProductInput): number;
  offer(pid: number, o: OfferInput, line: number): void;
  standaloneOffer(p: ProductInput, o: OfferInput, line: number): void;
  acceptWithoutOffer(): void;
  reject(r: RejectInput): void;
  /** Resolves when the writer thread has caught up enough for the producer to go on. */
  drain(): Promise<void>;
  finish(postProcess?: (db: StagingDb) => void): Promise<LoadCounts>;
  abort(): Promise<void>;
  /** The staging DB, only for a local sink (profiles with side tables need it). */
  readonly db: StagingDb | undefined;
}

export function localLoadSink(path: string, rejectLimit: number): LoadSink {
  const w = new StagingWriter(path, { rejectLimit });
  return {
    product: (p) => w.product(p),
    offer: (pid, o, line) => w.offer(pid, o, line),
    standaloneOffer: (p, o, line) => w.standaloneOffer(p, o, line),
    acceptWithoutOffer: () => w.acceptWithoutOffer(),
    reject: (r) => w.reject(r),
    drain: async () => {},
    finish: async (post) => w.finish(post),
    abort: async () => w.abort(),
    db: w.db,
  };
}

/** Operations per message: large enough to amortise a message, small enough to keep both busy. */
const BATCH = 512;
/** Batches the producer may be ahead of the writer thread: bounds memory whatever the file size. */
const MAX_IN_FLIGHT = 8;

export class ThreadLoadSink implements LoadSink {
  readonly db = undefined;
  readonly #pool: Piscina;
  readonly #port: MessagePort;
  readonly #done: Promise<LoadCounts | null>;
  readonly #rows = new RowBatchBuilder();
  #pid = 0;
  #sent = 0;
  #acked = 0;
  #failure: FeedmillError | undefined;
  #waiter: (() => void) | undefined;
  #closed = false;

  constructor(path: string, rejectLimit: number) {
    this.#pool = new Piscina({ ...siblingWorkerFile(import.meta.url, 'writer-worker'), minThreads: 1, maxThreads: 1, idleTimeout: 1000 });
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.on('message', (m: { ack: number }) => {
      this.#acked = m.ack;
      this.#wake();
    });
    this.#done = this.#pool.run({ path, rejectLimit, port: port2 }, { transferList: [port2] }).catch((err: unknown) => {
      this.#failure = fromThread(err);
      this.#wake();
      throw this.#failure;
    }) as Promise<LoadCounts | null>;
    this.#done.catch(() => {}); // observed through #failure and finish()
  }

  product(p: ProductInput): number {
    this.#check();
    this.#rows.row(KIND_PRODUCT, productRow(p));
    this.#maybeFlush();
    return ++this.#pid;
  }

  offer(pid: number, o: OfferInput, line: number): void {
    this.#check();
    this.#rows.row(KIND_OFFER, offerRow(pid, undefined, o, line));
    this.#maybeFlush();
  }

  standaloneOffer(p: ProductInput, o: OfferInput, line: number): void {
    this.#check();
    this.#rows.row(KIND_OFFER, offerRow(null, p, o, line));
    this.#maybeFlush();
  }

  acceptWithoutOffer(): void {
    this.#check();
    this.#rows.accept();
    this.#maybeFlush();
  }

  reject(r: RejectInput): void {
    this.#check();
    this.#rows.reject(r);
    this.#maybeFlush();
  }

  async drain(): Promise<void> {
    while (this.#sent - this.#acked > MAX_IN_FLIGHT && this.#failure === undefined) {
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    if (this.#failure) throw this.#failure;
  }

  async finish(postProcess?: (db: StagingDb) => void): Promise<LoadCounts> {
    if (postProcess) throw new FeedmillError('FEEDMILL_INTERNAL', 'a profile with side tables needs a local staging writer');
    this.#flush();
    this.#post({ finish: true });
    this.#closed = true;
    try {
      const counts = await this.#done;
      if (counts === null) throw new FeedmillError('FEEDMILL_INTERNAL', 'the staging writer thread was aborted');
      return counts;
    } finally {
      await this.#pool.destroy();
    }
  }

  /** Abandons the load; after `finish()` (a check failed once the file was complete) a no-op. */
  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#failure === undefined) this.#post({ abort: true });
    await this.#done.catch(() => {});
    await this.#pool.destroy();
  }

  #check(): void {
    if (this.#failure) throw this.#failure;
  }

  #maybeFlush(): void {
    if (this.#rows.size >= BATCH) this.#flush();
  }

  #flush(): void {
    if (this.#rows.size === 0) return;
    this.#post({ batch: this.#rows.take(++this.#sent) });
  }

  #post(m: WriterMessage): void {
    this.#port.postMessage(m, 'batch' in m ? transferablesOf(m.batch) : []);
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}

export function fromThread(err: unknown): FeedmillError {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const data = JSON.parse(message) as SerializedError;
    if (typeof data.code === 'string') return FeedmillError.fromJSON(data);
  } catch {
    // not one of ours: a crash of the thread itself
  }
  return new FeedmillError('FEEDMILL_STAGING_FAILED', `the staging writer thread failed: ${message}`, {}, { cause: err });
}

