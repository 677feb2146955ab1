/**
 * The message loop of a thread fed through a MessagePort (the staging writer, the shards of a
 * parallel load): work messages until `finish` or `abort`. A failure closes the port and crosses
 * the thread as a serialized FeedmillError, which the other side rebuilds with its code.
 */
import type { MessagePort } from 'node:worker_threads';
import { toFeedmillError } from './errors.js';

export type PortMessage<W> = W | { finish: true } | { abort: true };

export interface PortHandlers<W, R> {
  work(message: W): void;
  finish(): R;
  abort(): void;
}

export function servePort<W extends object, R>(port: MessagePort, h: PortHandlers<W, R>): Promise<R | null> {
  return new Promise((resolve, reject) => {
    port.on('message', (m: PortMessage<W>) => {
      try {
        if ('finish' in m) {
          const result = h.finish();
          port.close();
          resolve(result);
        } else if ('abort' in m) {
          h.abort();
          port.close();
          resolve(null);
        } else {
          h.work(m);
        }
      } catch (err) {
        h.abort();
        port.close();
        reject(new Error(JSON.stringify(toFeedmillError(err, 'FEEDMILL_STAGING_FAILED').toJSON())));
      }
    });
  });
}
