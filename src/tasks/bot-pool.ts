/**
 * The bot pool: one bot process per core (node:child_process fork), so that a task that crashes
 * or exhausts its process takes only its own bot down. The pool restarts a dead bot and, since it
 * knows the bot is dead, gives its task back at once (`abandon`) instead of waiting for the lease
 * to expire; if the pool itself dies, the lease expiry still brings the tasks back.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { toFeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { BotChildMessage, BotStartMessage, StoreSettings } from './bot-protocol.js';
import type { TaskStore } from './types.js';

export interface BotProcessOptions {
  config: Config;
  /** URL (or absolute path URL) of the handlers module. */
  handlersModule: string | URL;
  /** @default { leaseMs: 30_000, maxAttempts: 5, backoff: DEFAULT_BACKOFF } */
  storeSettings?: Partial<StoreSettings>;
  /** @default leaseMs / 6 */
  heartbeatMs?: number;
  /** @default 500 */
  pollMs?: number;
}

const SELF = import.meta.url;
const FROM_SOURCE = SELF.endsWith('.ts');

/** Forks one bot process and sends it its settings. The caller owns the child. */
export function spawnBotProcess(options: BotProcessOptions, index = 0): { child: ChildProcess; botId: string } {
  const entry = new URL(`./bot-process${FROM_SOURCE ? '.ts' : '.js'}`, SELF);
  // Running from .ts sources: the child needs tsx's loader, resolved from here so that the
  // worker's working directory does not matter.
  const execArgv = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const botId = `${hostname()}:${child.pid ?? 'x'}:${index}`;
  const store: StoreSettings = {
    leaseMs: options.storeSettings?.leaseMs ?? 30_000,
    maxAttempts: options.storeSettings?.maxAttempts ?? 5,
    backoff: options.storeSettings?.backoff ?? DEFAULT_BACKOFF,
  };
  const start: BotStartMessage = {
    type: 'start',
    botId,
    config: options.config,
    handlersModule: String(options.handlersModule),
    store,
    heartbeatMs: options.heartbeatMs ?? Math.max(1, Math.floor(store.leaseMs / 6)),
    pollMs: options.pollMs ?? 500,
  };
  child.send(start);
  return { child, botId };
}

export interface BotPoolOptions extends BotProcessOptions {
  /** The pool's own store connection, used to give a dead bot's task back. */
  store: TaskStore;
  /** @default config.concurrency (one per core) */
  concurrency?: number;
  log: Logger;
  /** Wait before restarting a dead bot; doubles while bots keep dying young. @default 1_000 */
  restartDelayMs?: number;
  /** Time a stopping bot gets to release its task before SIGKILL. @default 30_000 */
  stopGraceMs?: number;
}

export interface BotInfo {
  index: number;
  botId: string;
  pid: number | undefined;
  /** The task it runs, with its fence, if any. */
  running: { taskId: number; fence: number } | undefined;
}

interface Slot extends BotInfo {
  child: ChildProcess;
  startedAt: number;
  exited: Promise<void>;
}

export class BotPool {
  readonly #options: BotPoolOptions;
  readonly #slots: (Slot | undefined)[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopping = false;
  #restarts = 0;

  constructor(options: BotPoolOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#options.concurrency ?? this.#options.config.concurrency;
  }

  /** Bots that died and were restarted since start. */
  get restarts(): number {
    return this.#restarts;
  }

  bots(): BotInfo[] {
    return this.#slots.filter((s): s is Slot => s !== undefined).map(({ index, botId, pid, running }) => ({ index, botId, pid, running }));
  }

  start(): void {
    for (let i = 0; i < this.size; i++) this.#spawn(i, this.#options.restartDelayMs ?? 1_000);
  }

  /** Asks every bot to stop (their running tasks go back to TO_DO) and waits for them. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const slots = this.#slots.filter((s): s is Slot => s !== undefined);
    for (const s of slots) {
      if (s.child.connected) s.child.send({ type: 'stop' });
      else s.child.kill('SIGTERM');
    }
    const grace = this.#options.stopGraceMs ?? 30_000;
    await Promise.all(
      slots.map(async (s) => {
        const kill = setTimeout(() => s.child.kill('SIGKILL'), grace);
        await s.exited;
        clearTimeout(kill);
      }),
    );
  }

  #spawn(index: number, nextDelay: number): void {
    const { log } = this.#options;
    const { child, botId } = spawnBotProcess(this.#options, index);
    const slot: Slot = {
      index,
      botId,
      pid: child.pid,
      running: undefined,
      child,
      startedAt: Date.now(),
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    this.#slots[index] = slot;
    child.on('message', (m: BotChildMessage) => {
      if (m.type === 'claimed') slot.running = { taskId: m.taskId, fence: m.fence };
      else if (m.type === 'settled') slot.running = undefined;
    });
    child.once('exit', (code, signal) => void this.#onExit(slot, code, signal, nextDelay));
    log.debug('bot started', { bot: botId, pid: child.pid });
  }

  async #onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null, delay: number): Promise<void> {
    const { log, store } = this.#options;
    if (slot.running) {
      // The process is gone, so nobody can still write with this fence: give the task back now.
      try {
        await store.abandon(slot.running.taskId, slot.running.fence);
      } catch (err) {
        const e = toFeedmillError(err);
        if (e.code !== 'FEEDMILL_TASK_LEASE_LOST') log.error('could not give back the task of a dead bot', { code: e.code, task: slot.running.taskId });
      }
      slot.running = undefined;
    }
    if (this.#stopping) return;
    log.error('bot died; restarting it', { bot: slot.botId, code, signal });
    this.#restarts++;
    // A bot that died young (crash loop) waits longer before the next restart.
    const base = this.#options.restartDelayMs ?? 1_000;
    const lived = Date.now() - slot.startedAt;
    const wait = lived > 60_000 ? base : delay;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopping) this.#spawn(slot.index, Math.min(wait * 2, 60_000));
    }, wait);
    this.#timers.add(timer);
  }
}
