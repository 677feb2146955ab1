/**
 * The handlers of the stage task kinds: `fetch`, `ingest`, `export` and `pipeline`.
 *
 * The stages themselves live in other areas; they reach the task manager through `StageServices`,
 * injected when the handler set is built, so this area holds no stage logic.
 *
 * A `pipeline` chains its steps as follow-up tasks in the catalog's lane:
 *   pipeline → fetch (source.url) → ingest → export      or   pipeline → ingest (source.path) → export
 *   or pipeline → export (no source: re-export the current version).
 * A step's follow-up is enqueued only when the step completes (in the same transaction), so an export
 * is never enqueued after a failed ingest, and a fetch that finds the catalog unchanged ends the
 * pipeline (unless `force`): an unchanged catalog costs one conditional GET.
 */
import type { Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { FeedmillError } from '../errors.js';
import { assertName } from '../names.js';
import { systemClock, type Clock } from './clock.js';
import { fetchSource } from './fetch-source.js';
import { FetchState } from './fetch-state.js';
import type { HandlerContext, HandlerRegistry } from './handlers.js';
import type { JsonObject, JsonValue } from './types.js';

export interface IngestParams {
  catalog: string;
  /** The source file (an upload or a fetched file) in the data dir. */
  path: string;
  /** The name the merchant gave the file, for messages. */
  sourceName?: string;
  /** The charset its server or uploader declared (`Content-Type`): an encoding hint. */
  encodingHint?: string;
}

export interface ExportParams {
  catalog: string;
  /** @default the catalog's channels */
  channels?: string[];
}

/**
 * What the stage areas provide. Each receives the handler context: it must honour `signal`,
 * report `progress`, and call `assertFence()` right before renaming a feed into place.
 */
export interface StageServices {
  ingest(params: IngestParams, ctx: HandlerContext): Promise<JsonValue>;
  export(params: ExportParams, ctx: HandlerContext): Promise<JsonValue>;
  /**
   * After a fetch found the source unchanged: whether the catalog still needs a new ingest (its load
   * settings changed) or a new export (rules, channel definitions, a dated sale price...), else
   * undefined. Without it, an unchanged source ends the pipeline.
   */
  staleness?(catalog: string, channels: string[] | undefined, now: number): Promise<{ step: 'ingest' | 'export'; why: string } | undefined>;
}

export interface PipelineParams {
  catalog: string;
  channels?: string[];
  source?: { url: string } | { path: string; sourceName?: string; encodingHint?: string };
  /** Ingest and export even when the fetched catalog is unchanged. */
  force?: boolean;
}

export interface StageHandlerDeps {
  config: Config;
  db: AppDb;
  /** Without them only `fetch` and `pipeline` are registered; ingest and export steps then fail with FEEDMILL_TASK_KIND_UNKNOWN. */
  services?: StageServices;
  clock?: Clock;
}

/** The remaining plan carried by the steps of a pipeline. */
interface Plan {
  channels?: string[];
  force?: boolean;
}

export function registerStageHandlers(registry: HandlerRegistry, deps: StageHandlerDeps): HandlerRegistry {
  const clock = deps.clock ?? systemClock;
  const state = new FetchState(deps.db);
  const { services } = deps;

  registry.register('fetch', async (ctx) => {
    const p = ctx.task.params;
    const catalog = str(p, 'catalog');
    const plan = planOf(p);
    const result = await fetchSource(
      {
        catalog,
        url: str(p, 'url'),
        ...(typeof p.timeoutMs === 'number' ? { timeoutMs: p.timeoutMs } : {}),
        ...(plan?.force ? { force: true } : {}),
      },
      { config: deps.config, state, signal: ctx.signal, now: () => clock.now(), progress: ctx.progress },
    );
    const ingest = (): { kind: string; params: JsonObject } => ({
      kind: 'ingest',
      params: { catalog, path: result.path, ...(result.charset === undefined ? {} : { encodingHint: result.charset }), pipeline: planJson(plan ?? {}) },
    });
    if (plan && (result.changed || plan.force)) {
      ctx.followUp(ingest());
      return { ...result };
    }
    // Unchanged: still rebuilt when what the feeds depend on beside the source changed.
    const stale = plan && services?.staleness ? await services.staleness(catalog, plan.channels, clock.now()) : undefined;
    if (plan && stale?.step === 'ingest') ctx.followUp(ingest());
    else if (plan && stale?.step === 'export') ctx.followUp({ kind: 'export', params: exportJson(catalog, plan.channels) });
    return { ...result, ...(stale === undefined ? {} : { stale: stale.why }) };
  });

  if (services) {
    registry.register('ingest', async (ctx) => {
      const p = ctx.task.params;
      const params: IngestParams = { catalog: str(p, 'catalog'), path: str(p, 'path') };
      if (typeof p.sourceName === 'string') params.sourceName = p.sourceName;
      if (typeof p.encodingHint === 'string') params.encodingHint = p.encodingHint;
      const result = await services.ingest(params, ctx);
      const plan = planOf(p);
      if (plan) ctx.followUp({ kind: 'export', params: exportJson(params.catalog, plan.channels) });
      return result;
    });
    registry.register('export', async (ctx) => {
      const p = ctx.task.params;
      const channels = channelsOf(p);
      return services.export({ catalog: str(p, 'catalog'), ...(channels ? { channels } : {}) }, ctx);
    });
  }

  registry.register('pipeline', async (ctx) => {
    const p = ctx.task.params;
    const catalog = str(p, 'catalog');
    const channels = channelsOf(p);
    const plan: Plan = { ...(channels ? { channels } : {}), ...(p.force === true ? { force: true } : {}) };
    const source = p.source;
    let first: { kind: string; params: JsonObject };
    if (isObject(source) && typeof source.url === 'string') {
      first = { kind: 'fetch', params: { catalog, url: source.url, pipeline: planJson(plan) } };
    } else if (isObject(source) && typeof source.path === 'string') {
      first = { kind: 'ingest', params: { catalog, path: source.path, pipeline: planJson(plan) } };
      if (typeof source.sourceName === 'string') first.params.sourceName = source.sourceName;
      if (typeof source.encodingHint === 'string') first.params.encodingHint = source.encodingHint;
    } else if (source === undefined || source === null) {
      first = { kind: 'export', params: exportJson(catalog, channels) };
    } else {
      throw invalid('source', source, 'use {"url": "https://..."} or {"path": "..."}');
    }
    // Fail now rather than after the download when this worker cannot run the later steps.
    const needed = first.kind === 'export' ? ['export'] : first.kind === 'ingest' ? ['ingest', 'export'] : ['fetch', 'ingest', 'export'];
    for (const kind of needed) registry.get(kind);
    ctx.followUp(first);
    return { next: first.kind };
  });

  return registry;
}

function str(p: JsonObject, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw invalid(key, v, 'a non-empty string is required');
  if (key === 'catalog') assertName(v, 'catalog');
  return v;
}

function channelsOf(p: JsonObject): string[] | undefined {
  const v = p.channels;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((c): c is string => typeof c === 'string')) throw invalid('channels', v, 'a list of channel names is required');
  for (const c of v) assertName(c, 'channel');
  return v;
}

function planOf(p: JsonObject): Plan | undefined {
  const v = p.pipeline;
  if (!isObject(v)) return undefined;
  const channels = channelsOf(v);
  return { ...(channels ? { channels } : {}), ...(v.force === true ? { force: true } : {}) };
}

function planJson(plan: Plan): JsonObject {
  return { ...(plan.channels ? { channels: plan.channels } : {}), ...(plan.force ? { force: true } : {}) };
}

function exportJson(catalog: string, channels: string[] | undefined): JsonObject {
  return channels ? { catalog, channels } : { catalog };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(field: string, value: unknown, what: string): FeedmillError {
  return new FeedmillError('FEEDMILL_TASK_INVALID', `task parameter ${field} ${JSON.stringify(value)} is invalid: ${what}`, { field, value });
}
