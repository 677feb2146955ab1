/**
 * The staging writer's thread: applies batches of sink operations sent by the ingest thread to a
 * real StagingWriter, so SQLite inserts (half of a merchant ingest) run on the second core while
 * the first one decodes, parses and maps. Run through piscina (one thread) with a MessagePort.
 */
import type { MessagePort } from 'node:worker_threads';
import { servePort, type PortMessage } from '../worker-port.js';
import { StagingWriter, type LoadCounts } from './writer.js';
import { readRowBatch, type RowBatch, type RowBatchHandler } from './row-batch.js';

export interface WriterThreadTask {
  path: string;
  rejectLimit: number;
  port: MessagePort;
}

export type WriterMessage = PortMessage<{ batch: RowBatch }>;

export default async function runWriterThread(task: WriterThreadTask): Promise<LoadCounts | null> {
  const writer = new StagingWriter(task.path, { rejectLimit: task.rejectLimit });
  const handler: RowBatchHandler = {
    product: (row) => writer.insertProductBytes(row),
    offer: (row) => writer.insertOfferBytes(row),
    accept: () => writer.acceptWithoutOffer(),
    reject: (r) => writer.reject(r),
  };
  return servePort<{ batch: RowBatch }, LoadCounts>(task.port, {
    work: (m) => {
      readRowBatch(m.batch, handler);
      task.port.postMessage({ ack: m.batch.seq });
    },
    finish: () => writer.finish(),
    abort: () => writer.abort(),
  });
}
