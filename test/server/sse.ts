/** A small server-sent events client for tests: collects parsed events until told to stop. */
import { request, type ClientRequest } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (already received or coming) that passes `check`. */
  waitFor(check: (e: SseEvent) => boolean): Promise<SseEvent>;
  close(): void;
}

export function openSse(base: string, path: string, token: string, lastEventId?: string): Promise<SseStream> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const req: ClientRequest = request({ host: url.hostname, port: url.port, path, headers, agent: false }, (res) => {
      const events: SseEvent[] = [];
      const waiters: { check: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
          if (fields.data === undefined) continue;
          const e: SseEvent = { id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) as Record<string, unknown> };
          events.push(e);
          for (const w of [...waiters]) {
            if (w.check(e)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(e);
            }
          }
        }
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        events,
        waitFor(check) {
          const found = events.find(check);
          if (found) return Promise.resolve(found);
          return new Promise((r) => waiters.push({ check, resolve: r }));
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
