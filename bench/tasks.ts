/**
 * Task manager throughput: tasks claimed and completed per second with empty handlers, through the
 * real store (SQLite app DB, WAL, one IMMEDIATE transaction per claim and per completion, events
 * persisted) and the real bot loop (lease heartbeat timer, abort wiring). Target: ≥ 2,000 tasks/s.
 *
 *   node --import tsx bench/tasks.ts [--tasks 5000] [--bots 1] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openAppDbAt } from '../src/db/index.js';
import { silentLogger } from '../src/log.js';
import { HandlerRegistry, runBot, SqliteTaskStore } from '../src/tasks/index.js';

export interface BenchOptions {
  /** @default 5_000 */
  tasks?: number;
  /** Bot loops sharing one connection (SQLite serialises writes anyway). @default 1 */
  bots?: number;
  /** Where the app DB goes; a fresh temp dir by default (removed afterwards). */
  dir?: string;
}

export interface BenchResult {
  name: 'tasks';
  tasks: number;
  bots: number;
  seconds: number;
  tasksPerSecond: number;
  enqueuePerSecond: number;
  peakRssMb: number;
  cores: number;
  node: string;
}

export async function run(opts: BenchOptions = {}): Promise<BenchResult> {
  const total = opts.tasks ?? 5_000;
  const bots = opts.bots ?? 1;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'feedmill-bench-tasks-'));
  const db = openAppDbAt(join(dir, 'bench.db'));
  try {
    const store = new SqliteTaskStore(db);
    const handlers = new HandlerRegistry().register('noop', async () => null);
    const t0 = performance.now();
    store.transaction(() => {
      for (let i = 0; i < total; i++) store.enqueueSync({ kind: 'noop', lane: i % 10 === 0 ? `lane-${i % 100}` : null }, Date.now());
    });
    const enqueueSeconds = (performance.now() - t0) / 1000;

    const controller = new AbortController();
    let settled = 0;
    let allDone!: () => void;
    const finished = new Promise<void>((r) => (allDone = r));
    const start = performance.now();
    const loops = Array.from({ length: bots }, (_, i) =>
      runBot(
        {
          store,
          handlers,
          botId: `bench-${i}`,
          log: silentLogger,
          pollMs: 1,
          onSettle: (_task, outcome) => {
            if (outcome !== 'DONE') throw new Error(`bench task ended ${outcome}`);
            if (++settled === total) allDone();
          },
        },
        controller.signal,
      ),
    );
    await finished;
    const seconds = (performance.now() - start) / 1000;
    controller.abort();
    await Promise.all(loops);
    const done = (db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'DONE'").get() as { n: number }).n;
    if (done !== total) throw new Error(`expected ${total} DONE tasks, found ${done}`);
    return {
      name: 'tasks',
      tasks: total,
      bots,
      seconds: round(seconds),
      tasksPerSecond: Math.round(total / seconds),
      enqueuePerSecond: Math.round(total / enqueueSeconds),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
      cores: availableParallelism(),
      node: process.version,
    };
  } finally {
    db.close();
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { tasks: { type: 'string' }, bots: { type: 'string' }, json: { type: 'boolean' } } });
  const result = await run({
    ...(values.tasks ? { tasks: Number(values.tasks) } : {}),
    ...(values.bots ? { bots: Number(values.bots) } : {}),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(
      `tasks: ${result.tasks} claimed+completed in ${result.seconds} s = ${result.tasksPerSecond} tasks/s ` +
        `(target ≥ 2000; enqueue ${result.enqueuePerSecond}/s) · ${result.bots} bot loop(s) · peak RSS ${result.peakRssMb} MB · ` +
        `${result.cores} cores · Node ${result.node}\n`,
    );
  }
}
