/** `PUT /api/v1/catalogs/{catalog}/source`: store the upload, queue its pipeline, answer 202. */
import { join } from 'node:path';
import { dataPaths } from '../config.js';
import { FeedmillError, toFeedmillError } from '../errors.js';
import { charsetOf } from '../ingest/index.js';
import { headerSecret, requireCatalog } from './auth.js';
import type { ServerContext } from './context.js';
import { sendJson } from './respond.js';
import type { RouteContext } from './router.js';
import { taskJson } from './api-tasks.js';
import { sourceNameOf } from './upload-task.js';
import { checkUploadHeaders, discardUpload, receiveUpload } from './uploads.js';

export function uploadRoute(ctx: ServerContext) {
  return async ({ req, res, params, query }: RouteContext): Promise<void> => {
    const catalog = params.catalog as string;
    requireCatalog(ctx.auth.authenticate(headerSecret(req)), catalog, 'upload');
    ctx.catalogs.get(catalog);
    checkUploadHeaders(req, ctx.config.maxUploadBytes);
    if (ctx.uploads.inFlight >= ctx.uploads.max) {
      throw new FeedmillError('FEEDMILL_HTTP_BUSY', `${ctx.uploads.max} uploads are running; retry in a few seconds`, { limit: ctx.uploads.max });
    }
    // Only now, with the token, the catalog and the size checked, does the client send the body.
    if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
    ctx.uploads.inFlight++;
    try {
      const upload = await receiveUpload(req, {
        dir: join(dataPaths(ctx.config).sources, catalog),
        maxBytes: ctx.config.maxUploadBytes,
        onBytes: (n) => ctx.counters.uploadBytes(n),
      });
      let task;
      try {
        task = await ctx.store.enqueue(ctx.uploadTask(catalog, upload, sourceNameOf(query, req.headers['content-disposition']), charsetOf(req.headers['content-type'])));
      } catch (err) {
        await discardUpload(upload);
        throw err;
      }
      ctx.counters.uploads({ status: '202' });
      ctx.log.info('upload stored, task queued', { catalog, bytes: upload.bytes, kind: upload.kind, task: task.id });
      sendJson(res, 202, { task: taskJson(task), taskUrl: `/api/v1/tasks/${task.id}`, upload: { bytes: upload.bytes, kind: upload.kind } }, {
        Location: `/api/v1/tasks/${task.id}`,
      });
    } catch (err) {
      ctx.counters.uploads({ status: toFeedmillError(err).code });
      throw err;
    } finally {
      ctx.uploads.inFlight--;
    }
  };
}
