/**
 * A small router over raw path segments. The path is split on `/` and never percent-decoded: a
 * parameter segment must pass its validator as sent, so `%2e%2e`, `..`, `\` or NUL cannot reach a
 * handler (they fail the strict patterns of ids.ts). A path that matches a route's shape with
 * another method answers 405 with `Allow`; anything else is 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FeedmillError } from '../errors.js';

export type Params = Record<string, string>;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Params;
  query: URLSearchParams;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Segment {
  literal?: string;
  param?: string;
  valid?: (s: string) => boolean;
}

interface Route {
  methods: readonly string[];
  segments: Segment[];
  /** Metric label: the pattern, never the values (a token in a path must not become a label). */
  name: string;
  handler: RouteHandler;
}

export interface Match {
  handler: RouteHandler;
  params: Params;
  name: string;
}

export class Router {
  readonly #routes: Route[] = [];

  /**
   * `pattern` like `/api/v1/tasks/:id`; `validators` maps each `:param` to its check. Every param
   * must have one: there is no unvalidated path input.
   */
  add(methods: string | readonly string[], pattern: string, validators: Record<string, (s: string) => boolean>, handler: RouteHandler): this {
    const segments = pattern
      .split('/')
      .slice(1)
      .map((s): Segment => {
        if (!s.startsWith(':')) return { literal: s };
        const name = s.slice(1);
        const valid = validators[name];
        if (!valid) throw new FeedmillError('FEEDMILL_INTERNAL', `route ${pattern} has no validator for :${name}`, { pattern });
        return { param: name, valid };
      });
    this.#routes.push({ methods: typeof methods === 'string' ? [methods] : methods, segments, name: pattern, handler });
    return this;
  }

  /** The handler for `method` and `pathname`; throws 404 / 405 coded errors. */
  match(method: string, pathname: string): Match {
    const parts = pathname.split('/').slice(1);
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.methods.includes(method)) return { handler: route.handler, params, name: route.name };
      for (const m of route.methods) allowed.add(m);
    }
    if (allowed.size > 0) {
      throw new FeedmillError('FEEDMILL_HTTP_METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${[...allowed].join(', ')}`, {
        method,
        allow: [...allowed],
      });
    }
    throw new FeedmillError('FEEDMILL_HTTP_NOT_FOUND', 'no such resource', {});
  }
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Params | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Params = {};
  for (const [i, seg] of segments.entries()) {
    const part = parts[i] as string;
    if (seg.literal !== undefined) {
      if (seg.literal !== part) return undefined;
    } else if (seg.param !== undefined && seg.valid?.(part)) {
      params[seg.param] = part;
    } else {
      return undefined;
    }
  }
  return params;
}
