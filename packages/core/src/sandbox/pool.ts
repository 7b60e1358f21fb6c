/**
 * Above the single sandboxed process (sandbox.ts), two layers:
 *
 * - **SandboxPool**: the processes of one plugin version, up to `resources.concurrency` of them
 *   (default 1). The first starts with the plugin; more start only when every running one is
 *   busy, and a call goes to the least busy process. A call that kills its process (deadline,
 *   memory) takes only that process down.
 * - **SandboxSlot**: what the registry's proxies call. It holds the version that serves new
 *   calls and the versions still finishing calls they started (hot swap): `swap()` starts the
 *   new version, health-checks it, switches new calls to it in one synchronous step, lets the
 *   calls in flight finish on the version they started on, then stops the old one. When the new
 *   version fails to start or to answer its health check — before or just after the switch —
 *   the old one keeps (or takes back) the traffic and the swap fails with a coded error.
 */
import { ExportIaError } from '../errors/export-ia-error.js';
import type { SandboxedPlugin, SandboxMetrics } from './sandbox.js';

type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

/** What a proxy needs: a call. What `plugins info` needs: ping, metrics. */
export interface SandboxHandle {
  call(component: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<unknown>;
  ping(timeoutMs?: number): Promise<{ memory: number }>;
  readonly metrics: SandboxMetrics;
  readonly components: readonly string[];
  close(): Promise<void>;
}

/** The processes of one plugin version. */
export class SandboxPool implements SandboxHandle {
  readonly #make: () => SandboxedPlugin;
  readonly #max: number;
  readonly #procs: Array<{ sandbox: SandboxedPlugin; busy: number }> = [];
  #closed = false;

  /** `make` creates one process (not started); `size` is the most that run at once. */
  constructor(make: () => SandboxedPlugin, size = 1) {
    this.#make = make;
    this.#max = Math.max(1, Math.floor(size));
  }

  get size(): number {
    return this.#procs.length;
  }

  get components(): readonly string[] {
    return this.#procs[0]?.sandbox.components ?? [];
  }

  /** Starts the first process; resolves with the components the plugin registered. */
  async start(): Promise<readonly string[]> {
    const first = this.#procs[0] ?? this.#add();
    return first.sandbox.start();
  }

  #add(): { sandbox: SandboxedPlugin; busy: number } {
    const entry = { sandbox: this.#make(), busy: 0 };
    this.#procs.push(entry);
    return entry;
  }

  /** The least busy process; a new one when all are busy and the pool may grow. */
  #pick(): { sandbox: SandboxedPlugin; busy: number } {
    let best = this.#procs[0];
    for (const p of this.#procs) if (best === undefined || p.busy < best.busy) best = p;
    if (best === undefined || (best.busy > 0 && this.#procs.length < this.#max)) return this.#add();
    return best;
  }

  async call(component: string, method: string, args: readonly unknown[], options: CallOptions = {}): Promise<unknown> {
    if (this.#closed) throw new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: component, detail: 'the plugin was stopped' });
    const p = this.#pick();
    p.busy++;
    try {
      return await p.sandbox.call(component, method, args, options);
    } finally {
      p.busy--;
    }
  }

  /** Health: the first process answers (it starts if needed; the others are not woken). */
  async ping(timeoutMs?: number): Promise<{ memory: number }> {
    const first = this.#procs[0] ?? this.#add();
    return first.sandbox.ping(timeoutMs);
  }

  /** Sums over the processes (durations of the last 1,000 calls of each). */
  get metrics(): SandboxMetrics {
    const all = this.#procs.map((p) => p.sandbox.metrics);
    return {
      calls: all.reduce((n, m) => n + m.calls, 0),
      failures: all.reduce((n, m) => n + m.failures, 0),
      kills: all.reduce((n, m) => n + m.kills, 0),
      memoryPeak: Math.max(0, ...all.map((m) => m.memoryPeak)),
      durations: all.flatMap((m) => m.durations),
      netRequests: all.reduce((n, m) => n + m.netRequests, 0),
      netDenied: all.reduce((n, m) => n + m.netDenied, 0),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#procs.map((p) => p.sandbox.close()));
  }
}

interface Generation {
  version: string;
  pool: SandboxHandle;
  inflight: number;
  drained?: () => void;
}

export interface SwapOptions {
  /** Health check deadline. Default 5 s. */
  healthTimeoutMs?: number;
  /** How long calls in flight may take to finish on the old version before it is stopped anyway. Default 60 s. */
  drainTimeoutMs?: number;
  /** Called at the switch (the loader updates the plugin's manifest and folder there). */
  onSwitch?: (version: string, rolledBack: boolean) => void;
}

export interface SwapResult {
  from: string;
  to: string;
  /** Milliseconds: start + health check of the new version, then waiting for calls in flight on the old one. */
  startMs: number;
  drainMs: number;
  /** Calls that were still running on the old version at the switch. */
  drainedCalls: number;
}

/** The version of a plugin that serves calls, and the ones finishing theirs. See the module comment. */
export class SandboxSlot implements SandboxHandle {
  readonly #plugin: string;
  #current: Generation;
  readonly #draining = new Set<Generation>();
  #swapping: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(plugin: string, version: string, pool: SandboxHandle) {
    this.#plugin = plugin;
    this.#current = { version, pool, inflight: 0 };
  }

  /** The version new calls go to. */
  get version(): string {
    return this.#current.version;
  }

  get components(): readonly string[] {
    return this.#current.pool.components;
  }

  get metrics(): SandboxMetrics {
    return this.#current.pool.metrics;
  }

  /** Processes of the serving version (a pool grows to `resources.concurrency` under load). */
  get processes(): number {
    const pool = this.#current.pool as { size?: number };
    return pool.size ?? 1;
  }

  /** Versions still finishing calls after a swap. */
  get draining(): string[] {
    return [...this.#draining].map((g) => g.version);
  }

  call(component: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<unknown> {
    // The generation is chosen here, synchronously: a call runs to its end on the version it started on.
    const g = this.#current;
    g.inflight++;
    const done = () => {
      g.inflight--;
      if (g.inflight === 0) g.drained?.();
    };
    return g.pool.call(component, method, args, options).finally(done);
  }

  ping(timeoutMs?: number): Promise<{ memory: number }> {
    return this.#current.pool.ping(timeoutMs);
  }

  /**
   * Replaces the serving version by `next` (a pool of the new version, not started). Swaps of
   * one slot run one after another.
   */
  swap(version: string, next: SandboxHandle & { start(): Promise<readonly string[]> }, options: SwapOptions = {}): Promise<SwapResult> {
    const run = this.#swapping.then(() => this.#swap(version, next, options));
    this.#swapping = run.catch(() => {});
    return run;
  }

  async #swap(version: string, next: SandboxHandle & { start(): Promise<readonly string[]> }, options: SwapOptions): Promise<SwapResult> {
    const old = this.#current;
    if (this.#closed) {
      await next.close().catch(() => {});
      throw new ExportIaError('EIA_PLUGIN_SWAP_FAILED', { plugin: `${this.#plugin}@${old.version}`, version, detail: 'the plugin set is closed' });
    }
    const started = performance.now();
    const fail = async (detail: string): Promise<never> => {
      await next.close().catch(() => {});
      throw new ExportIaError('EIA_PLUGIN_SWAP_FAILED', { plugin: `${this.#plugin}@${old.version}`, version, detail });
    };
    let components: readonly string[];
    try {
      components = await next.start();
      await next.ping(options.healthTimeoutMs ?? 5_000);
    } catch (err) {
      return fail(`it did not start or answer its health check (${(err as Error).message})`);
    }
    const before = [...old.pool.components].sort().join(',');
    const after = [...components].sort().join(',');
    if (before !== after) return fail(`it registers other components (${after || 'none'}) than the running version (${before}); restart to load it`);
    const startMs = performance.now() - started;
    // The switch: one synchronous step.
    const gen: Generation = { version, pool: next, inflight: 0 };
    this.#current = gen;
    options.onSwitch?.(version, false);
    // Still answering once it takes traffic? Otherwise the old version (not stopped yet) takes it back.
    try {
      await next.ping(options.healthTimeoutMs ?? 5_000);
    } catch (err) {
      this.#current = old;
      options.onSwitch?.(old.version, true);
      await this.#drain(gen, options.drainTimeoutMs ?? 60_000);
      return fail(`it stopped answering right after the switch (${(err as Error).message}); rolled back`);
    }
    const drainStarted = performance.now();
    const drainedCalls = old.inflight;
    await this.#drain(old, options.drainTimeoutMs ?? 60_000);
    await old.pool.close();
    return { from: old.version, to: version, startMs, drainMs: performance.now() - drainStarted, drainedCalls };
  }

  /** Waits until no call runs on `g` (or the timeout passes). */
  async #drain(g: Generation, timeoutMs: number): Promise<void> {
    if (g.inflight === 0) return;
    this.#draining.add(g);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref?.();
      g.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#draining.delete(g);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#swapping;
    await Promise.all([this.#current.pool.close(), ...[...this.#draining].map((g) => g.pool.close())]);
  }
}
