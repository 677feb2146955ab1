/**
 * The task an upload queues: a `pipeline` (ingest the stored file, then export the catalog's
 * channels) in the catalog's lane, at interactive priority since a merchant waits for it. The params
 * follow the pipeline handler of src/tasks (PipelineParams): `{ catalog, source: { path, sourceName,
 * encodingHint } }`; channels default to the catalog's own. Extra source fields (bytes, kind) are informative.
 */
import { catalogLane, PRIORITY, type EnqueueInput } from '../tasks/index.js';
import type { StoredUpload } from './uploads.js';

export function pipelineTaskForUpload(catalog: string, upload: StoredUpload, sourceName: string | undefined, charset?: string): EnqueueInput {
  return {
    kind: 'pipeline',
    lane: catalogLane(catalog),
    priority: PRIORITY.interactive,
    params: {
      catalog,
      source: {
        path: upload.path,
        sourceName: sourceName ?? upload.fileName,
        ...(charset === undefined ? {} : { encodingHint: charset }),
        bytes: upload.bytes,
        kind: upload.kind,
      },
    },
  };
}

/** An upload's original name, if the client gave one (`?name=` or Content-Disposition), made harmless. */
export function sourceNameOf(query: URLSearchParams, disposition: string | undefined): string | undefined {
  const fromQuery = query.get('name');
  const fromHeader = disposition === undefined ? undefined : /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const raw = fromQuery ?? fromHeader;
  if (raw === undefined) return undefined;
  let name = raw;
  try {
    if (raw === fromHeader) name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  // Only the last path component, printable, bounded: it is recorded, never used as a path.
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\p{L}\p{N} ._()+-]/gu, '_').slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? undefined : clean;
}
