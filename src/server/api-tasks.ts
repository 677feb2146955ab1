/**
 * Tasks API: list, show, cancel. A catalog token sees the tasks of its own catalog only (matched on
 * the task's catalog parameter, else its lane); the admin token sees all.
 */
import { FeedmillError } from '../errors.js';
import { catalogLane, TASK_STATUSES, type Task, type TaskStatus } from '../tasks/index.js';
import { allows, headerSecret, requireAuth, requireCatalog, type Principal } from './auth.js';
import type { ServerContext } from './context.js';
import { isCatalogName } from './ids.js';
import { sendJson } from './respond.js';
import type { RouteContext, Router } from './router.js';

export function taskJson(t: Task) {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    catalog: catalogOf(t),
    lane: t.lane,
    priority: t.priority,
    attempt: t.attempt,
    maxAttempts: t.maxAttempts,
    progress: t.progressDone === null ? null : { done: t.progressDone, total: t.progressTotal },
    result: t.result,
    error: t.error,
    parentId: t.parentId,
    retryOf: t.retryOf,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
    url: `/api/v1/tasks/${t.id}`,
  };
}

export function catalogOf(t: Task): string | null {
  const p = t.params.catalog;
  if (typeof p === 'string') return p;
  if (t.lane?.startsWith('catalog:')) return t.lane.slice('catalog:'.length);
  return null;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The task, if this principal may see it; else 404 (a task id of another merchant does not exist for them). */
async function visibleTask(ctx: ServerContext, principal: Principal, id: number): Promise<Task> {
  const task = await ctx.store.find(id);
  const catalog = task ? catalogOf(task) : null;
  if (!task || (principal.kind !== 'root' && (catalog === null || !allows(principal, catalog, 'upload')))) {
    throw new FeedmillError('FEEDMILL_TASK_UNKNOWN', `no task ${id}`, { taskId: id });
  }
  return task;
}

export function registerTaskRoutes(ctx: ServerContext, router: Router): void {
  const idOk = (s: string) => /^[1-9][0-9]{0,14}$/.test(s);

  router.add(['GET', 'HEAD'], '/api/v1/tasks', {}, async ({ req, res, query }: RouteContext) => {
    const principal = requireAuth(ctx.auth.authenticate(headerSecret(req)));
    let catalog = query.get('catalog') ?? undefined;
    if (catalog !== undefined && !isCatalogName(catalog)) {
      throw new FeedmillError('FEEDMILL_NAME_INVALID', 'catalog is not a valid catalog name', { field: 'catalog' });
    }
    if (principal.kind === 'token') catalog ??= principal.token.catalog;
    if (catalog !== undefined) requireCatalog(principal, catalog, 'upload');
    const statusParam = query.get('status');
    let status: TaskStatus[] | undefined;
    if (statusParam !== null) {
      status = statusParam.split(',').map((s) => s.trim().toUpperCase()) as TaskStatus[];
      const bad = status.find((s) => !TASK_STATUSES.includes(s));
      if (bad !== undefined) {
        throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `status must be among ${TASK_STATUSES.join(', ')}`, { field: 'status', value: bad });
      }
    }
    const limit = intParam(query.get('limit'), 'limit', 1, 1000) ?? 100;
    const beforeId = intParam(query.get('before'), 'before', 1, Number.MAX_SAFE_INTEGER);
    const tasks = await ctx.store.list({
      ...(status ? { status } : {}),
      ...(catalog !== undefined ? { lane: catalogLane(catalog) } : {}),
      ...(beforeId !== undefined ? { beforeId } : {}),
      limit,
    });
    sendJson(res, 200, { tasks: tasks.map(taskJson) });
  });

  router.add(['GET', 'HEAD'], '/api/v1/tasks/:id', { id: idOk }, async ({ req, res, params }) => {
    const principal = requireAuth(ctx.auth.authenticate(headerSecret(req)));
    const task = await visibleTask(ctx, principal, Number(params.id));
    sendJson(res, 200, { task: taskJson(task) });
  });

  router.add('POST', '/api/v1/tasks/:id/cancel', { id: idOk }, async ({ req, res, params }) => {
    const principal = requireAuth(ctx.auth.authenticate(headerSecret(req)));
    const task = await visibleTask(ctx, principal, Number(params.id));
    const updated = await ctx.store.requestCancel(task.id);
    ctx.events.wake();
    sendJson(res, 202, { task: taskJson(updated) });
  });
}

export function intParam(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null) return undefined;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `${name} must be a whole number from ${min} to ${max}`, { field: name, value });
  }
  return Number(value);
}
