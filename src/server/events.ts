/**
 * Server-sent events of task state changes and progress.
 *
 * One hub per server polls the store's persisted events (`eventsSince`), so that events written by
 * bots in other processes reach the stream; an in-process event (an upload's enqueue, a cancel)
 * wakes the poller at once. Each client holds its own cursor: a new client starts at the newest
 * event, a reconnecting one at its `Last-Event-ID`, and the hub reads from the smallest cursor, so
 * a resumed stream replays exactly the events it missed, in order, each once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { TaskEvent, TaskStore } from '../tasks/index.js';
import { latestEventId } from './task-stats.js';

export interface EventFilter {
  /** Only events of this lane (a catalog's lane). */
  lane?: string | undefined;
}

interface Client {
  res: ServerResponse;
  cursor: number;
  filter: EventFilter;
}

export interface EventHubOptions {
  store: TaskStore;
  log: Logger;
  /** Poll period for events written by other processes. @default 250 */
  pollMs?: number;
  /** Comment line sent to idle streams so proxies keep them open. @default 15_000 */
  keepAliveMs?: number;
}

const PAGE = 1000;
const MAX_BUFFERED = 1 << 20;

export class EventHub {
  readonly #store: TaskStore;
  readonly #log: Logger;
  readonly #pollMs: number;
  readonly #keepAliveMs: number;
  readonly #clients = new Set<Client>();
  #timer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(options: EventHubOptions) {
    this.#store = options.store;
    this.#log = options.log;
    this.#pollMs = options.pollMs ?? 250;
    this.#keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Turns the response into an event stream; resolves once it is registered. */
  async open(req: IncomingMessage, res: ServerResponse, filter: EventFilter): Promise<void> {
    const lastId = parseLastEventId(req.headers['last-event-id']);
    const cursor = lastId ?? (await latestEventId(this.#store));
    // A stream lives as long as the client wants it: no socket idle timeout on it.
    req.socket.setTimeout(0);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n: cursor ${cursor}\n\n`);
    const client: Client = { res, cursor, filter };
    this.#clients.add(client);
    res.on('close', () => {
      this.#clients.delete(client);
      if (this.#clients.size === 0) this.#stop();
    });
    this.#start();
    this.wake();
  }

  /** Reads new events now (an in-process change, or a test that wants no wait). */
  wake(): void {
    if (this.#clients.size === 0 || this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.#tick();
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    this.#closed = true;
    this.#stop();
    for (const c of this.#clients) c.res.end();
    this.#clients.clear();
  }

  #start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    this.#keepAlive = setInterval(() => {
      for (const c of this.#clients) c.res.write(': keep-alive\n\n');
    }, this.#keepAliveMs);
    this.#unsubscribe = this.#store.subscribe(() => this.wake());
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#timer = undefined;
    this.#keepAlive = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  async #tick(): Promise<void> {
    this.#running = true;
    try {
      do {
        this.#again = false;
        await this.#deliver();
      } while (this.#again && this.#clients.size > 0);
    } catch (err) {
      this.#log.error('reading task events failed', { message: (err as Error).message });
    } finally {
      this.#running = false;
    }
  }

  async #deliver(): Promise<void> {
    for (;;) {
      if (this.#clients.size === 0) return;
      const from = Math.min(...[...this.#clients].map((c) => c.cursor));
      const events = await this.#store.eventsSince(from, PAGE);
      for (const c of [...this.#clients]) {
        for (const e of events) {
          if (e.id <= c.cursor) continue;
          c.cursor = e.id;
          if (c.filter.lane !== undefined && e.lane !== c.filter.lane) continue;
          c.res.write(formatEvent(e));
        }
        // A client that does not read its stream is dropped rather than buffered without bound;
        // it reconnects with Last-Event-ID and misses nothing.
        if (c.res.writableLength > MAX_BUFFERED) {
          this.#clients.delete(c);
          c.res.destroy();
        }
      }
      if (events.length < PAGE) return;
    }
  }
}

export function formatEvent(e: TaskEvent): string {
  const data = {
    id: e.id,
    taskId: e.taskId,
    at: new Date(e.at).toISOString(),
    type: e.type,
    kind: e.kind,
    lane: e.lane,
    status: e.status,
    attempt: e.attempt,
    progressDone: e.progressDone,
    progressTotal: e.progressTotal,
    error: e.error,
  };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function parseLastEventId(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || !/^[0-9]{1,15}$/.test(v.trim())) return undefined;
  return Number(v.trim());
}
