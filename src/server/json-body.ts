/** Small JSON request bodies (catalog and token admin): bounded, parsed once, objects only. */
import type { IncomingMessage } from 'node:http';
import { FeedmillError } from '../errors.js';

export const JSON_BODY_LIMIT = 256 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new FeedmillError('FEEDMILL_HTTP_TOO_LARGE', `a JSON body may hold at most ${limit} bytes`, { limit, declared });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new FeedmillError('FEEDMILL_HTTP_TOO_LARGE', `a JSON body may hold at most ${limit} bytes`, { limit });
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', 'the body is not valid JSON', {}, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', 'the body must be a JSON object', {});
  }
  return value as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `${key} must be a string`, { field: key });
  return v;
}

export function optionalStringList(body: Record<string, unknown>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `${key} must be an array of strings`, { field: key });
  }
  return v as string[];
}

/** An object of string values (profile options), or undefined when absent. */
export function optionalStringMap(body: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `${key} must be an object of string values, e.g. {"base-url": "https://shop.example"}`, { field: key });
  }
  // A plain copy: keys such as __proto__ stay ordinary keys and are refused by the profile's check.
  return Object.fromEntries(Object.entries(v as Record<string, string>));
}
