/**
 * Responses: JSON bodies and coded errors. Every error answer is `{ error: { code, message,
 * details } }` with the HTTP status that belongs to its code, so clients (shop plugins, scripts)
 * match on `code` exactly as CLI users do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toFeedmillError, type ErrorCode, type FeedmillError } from '../errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  FEEDMILL_HTTP_BAD_REQUEST: 400,
  FEEDMILL_NAME_INVALID: 400,
  FEEDMILL_TASK_INVALID: 400,
  FEEDMILL_RULES_INVALID: 400,
  FEEDMILL_CHANNEL_UNKNOWN: 400,
  FEEDMILL_PROFILE_UNKNOWN: 400,
  FEEDMILL_PROFILE_OPTION_UNKNOWN: 400,
  FEEDMILL_PROFILE_OPTION_INVALID: 400,
  FEEDMILL_CLI_USAGE: 400,
  FEEDMILL_HTTP_UPLOAD_INCOMPLETE: 400,
  FEEDMILL_SOURCE_EMPTY: 400,
  FEEDMILL_HTTP_UNAUTHORIZED: 401,
  FEEDMILL_HTTP_FORBIDDEN: 403,
  FEEDMILL_HTTP_NOT_FOUND: 404,
  FEEDMILL_CATALOG_UNKNOWN: 404,
  FEEDMILL_TASK_UNKNOWN: 404,
  FEEDMILL_TOKEN_UNKNOWN: 404,
  FEEDMILL_HTTP_METHOD_NOT_ALLOWED: 405,
  FEEDMILL_CATALOG_EXISTS: 409,
  FEEDMILL_TASK_STATE: 409,
  FEEDMILL_HTTP_TOO_LARGE: 413,
  FEEDMILL_HTTP_UNSUPPORTED_TYPE: 415,
  FEEDMILL_HTTP_RANGE_NOT_SATISFIABLE: 416,
  FEEDMILL_HTTP_BUSY: 503,
  FEEDMILL_SOURCE_STORE_FAILED: 507,
  FEEDMILL_HTTP_UNAVAILABLE: 503,
};

export function statusOf(err: FeedmillError): number {
  return STATUS[err.code] ?? 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Sends the coded error (if headers are not out yet). Internal errors keep their details out of
 * the answer: the client gets the code, the log gets the rest.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown, headers: Record<string, string> = {}): FeedmillError {
  const e = toFeedmillError(err);
  if (res.headersSent) {
    res.destroy();
    return e;
  }
  const status = statusOf(e);
  const body =
    status >= 500 && e.code !== 'FEEDMILL_HTTP_BUSY' && e.code !== 'FEEDMILL_HTTP_UNAVAILABLE'
      ? { error: { code: e.code, message: 'internal error; the server log has the details', details: {} } }
      : { error: { code: e.code, message: e.message, details: e.details } };
  const extra: Record<string, string> = { ...headers };
  if (status === 401) extra['WWW-Authenticate'] = req.url?.startsWith('/feeds/') ? 'Basic realm="feedmill feeds"' : 'Bearer realm="feedmill"';
  if (req.method === 'HEAD') {
    res.writeHead(status, { 'Cache-Control': 'no-store', ...extra });
    res.end();
  } else {
    sendJson(res, status, body, extra);
  }
  return e;
}
