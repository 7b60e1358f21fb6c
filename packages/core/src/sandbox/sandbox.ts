/**
 * A third-party plugin in its own process. Design.md §5 has the measured reasons: in-process V8
 * limits (worker `resourceLimits`, isolated-vm) let hostile allocations abort the whole host; a
 * child process contains them.
 *
 * The process is `node --experimental-permission` with read access to the plugin's folder, the
 * sandbox's own code and the folders the caller names (the job's inputs), write access to one
 * scratch folder only, `--max-old-space-size` from the plugin's `resources.memoryMb`, and an
 * empty environment. Node's permission model already refuses child processes, worker threads,
 * native addons, WASI and the inspector; it does not stop the network or signals, so where the
 * host allows it the process also runs in its own network and PID namespaces (`unshare`): no
 * interface but loopback, and no other process to see or signal. `isolation()` says what this
 * host can give; a caller that needs no-network isolation the host cannot give is refused.
 *
 * Calls are length-prefixed JSON frames on fd 3 (protocol.ts), checked both ways. A call past
 * its deadline, a frame that breaks the protocol, or a process that dies (a memory overrun)
 * fails the call with a coded error; the process is killed (its whole process group) and a new
 * one starts with the next call. The host never shares memory with it, so it keeps serving.
 *
 * The plugin's `fetch` asks the host's network broker (broker.ts), which serves only the hosts
 * of the manifest's `permissions.net`, while the process lives.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ExportIaError } from '../errors/export-ia-error.js';
import { workerFile } from '../util/worker-pool.js';
import { NetBroker, type NetPermission } from './broker.js';
import {
  checkPluginMessage,
  encodeFrame,
  type FetchMessage,
  FrameReader,
  type HostMessage,
  MAX_FRAME_BYTES,
  type PluginMessage,
  ProtocolError,
  parseFrame,
} from './protocol.js';

export interface SandboxOptions {
  /** Plugin id, for messages. */
  id: string;
  /** The plugin's folder (readable) and its main module (inside it). */
  dir: string;
  main: string;
  /** The one folder the plugin may write. */
  scratchDir: string;
  /** More folders it may read (the job's inputs). */
  readDirs?: readonly string[];
  /** The plugin's configuration, as setup's `api.config`. */
  config?: Record<string, unknown>;
  /** `--max-old-space-size`. Default 128. */
  memoryMb?: number;
  /** Deadline of one call. Default 30 s. */
  timeoutMs?: number;
  /** Deadline of start-up (load and setup). Default 10 s. */
  startTimeoutMs?: number;
  /** Refuse to start when the host cannot cut the plugin off the network (default true). */
  requireNetworkIsolation?: boolean;
  /** The manifest's `permissions.net`: the hosts its `fetch` may reach through the broker. */
  net?: NetPermission;
}

export interface Isolation {
  /** Node's permission model (file system, child processes, workers, addons, WASI, inspector). */
  permission: boolean;
  /** Own network and PID namespaces: no network, no other process to signal. */
  namespaces: boolean;
}

export interface SandboxMetrics {
  calls: number;
  failures: number;
  kills: number;
  /** Resident memory of the last ping, bytes. */
  memoryPeak: number;
  /** Durations of the last 1,000 calls, ms. */
  durations: number[];
  /** Network requests the plugin asked the broker for, and those refused by its allow-list. */
  netRequests: number;
  netDenied: number;
}

let probed: Isolation | undefined;

/** What this host can give a sandboxed plugin (probed once). */
export function isolation(): Isolation {
  if (probed) return probed;
  const permission = spawnSync(process.execPath, ['--experimental-permission', '--allow-fs-read=*', '-e', ''], { stdio: 'ignore', env: {} }).status === 0;
  const unshare = spawnSync('unshare', ['--net', '--pid', '--fork', '--kill-child', process.execPath, '-e', ''], { stdio: 'ignore', env: {} });
  probed = { permission, namespaces: unshare.status === 0 && !unshare.error };
  return probed;
}

// The built entry (tests run this module from its TypeScript source).
const CHILD = workerFile(import.meta.url, './sandbox-child.js');
// The sandbox's own code the child must be able to read (its entry and the protocol).
const SANDBOX_DIR = dirname(CHILD);
// The plugin API package (`@export-ia/core/plugin`, which plugins import) and the installed
// packages it and the plugin resolve from: code, not data, read-only.
const CORE_DIR = realpathSync(resolve(SANDBOX_DIR, '../..'));

/** Every `node_modules` folder above `dir` (where its imports resolve from). */
function moduleDirs(dir: string): string[] {
  const out: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const candidate = join(at, 'node_modules');
    if (basename(at) !== 'node_modules' && existsSync(candidate)) out.push(candidate);
    if (dirname(at) === at) return out;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
  started: number;
}

/** One running plugin process and the calls waiting on it. */
interface Proc {
  child: ChildProcess;
  pending: Map<number, Pending>;
  /** The node process itself (under unshare it is unshare's child), for its memory. */
  nodePid?: number;
  memoryTimer?: NodeJS.Timeout;
  dead: boolean;
  /** Its broker requests in flight (ids are the plugin's), and what ends them with it. */
  fetches: Set<number>;
  net: AbortController;
}

export class SandboxedPlugin {
  readonly #o: Required<Omit<SandboxOptions, 'readDirs' | 'config' | 'net'>> & Pick<SandboxOptions, 'readDirs' | 'config' | 'net'>;
  #broker: NetBroker | undefined;
  #proc: Proc | undefined;
  #starting: Promise<string[]> | undefined;
  #nextId = 1;
  #components: string[] = [];
  #closed = false;
  readonly metrics: SandboxMetrics = { calls: 0, failures: 0, kills: 0, memoryPeak: 0, durations: [], netRequests: 0, netDenied: 0 };

  constructor(options: SandboxOptions) {
    this.#o = {
      memoryMb: 128,
      timeoutMs: 30_000,
      startTimeoutMs: 10_000,
      requireNetworkIsolation: true,
      ...options,
    };
  }

  /** The components the plugin registered (`checker:words`…), once started. */
  get components(): readonly string[] {
    return this.#components;
  }

  /**
   * Resident memory past which the process is killed: the V8 heap limit plus room for Node
   * itself and the young generation. Off-heap memory (a 2 GB Buffer) is not bounded by the heap
   * limit, so the host watches the process's resident size while it works.
   */
  get rssLimitBytes(): number {
    return (this.#o.memoryMb + 160) * 1024 * 1024;
  }

  /** Starts the process (idempotent); resolves with the registered components. */
  start(): Promise<string[]> {
    if (this.#closed) return Promise.reject(new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: 'the sandbox is closed' }));
    this.#starting ??= this.#spawn().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    return this.#starting;
  }

  #spawn(): Promise<string[]> {
    const can = isolation();
    if (!can.permission)
      throw new ExportIaError('EIA_SANDBOX_UNAVAILABLE', { plugin: this.#o.id, detail: 'this Node has no permission model (--experimental-permission)' });
    if (!can.namespaces && this.#o.requireNetworkIsolation)
      throw new ExportIaError('EIA_SANDBOX_UNAVAILABLE', {
        plugin: this.#o.id,
        detail: 'this host cannot create network namespaces (unshare), so the plugin would reach the network',
      });
    // One broker for the plugin's life (its limits hold across restarts); a bad entry of the
    // allow-list refuses the start.
    this.#broker ??= new NetBroker(this.#o.id, this.#o.net, { timeoutMs: this.#o.timeoutMs });
    const broker = this.#broker;
    const reads = [
      ...new Set([this.#o.dir, SANDBOX_DIR, CORE_DIR, ...moduleDirs(CORE_DIR), ...moduleDirs(this.#o.dir), ...(this.#o.readDirs ?? [])].map((d) => resolve(d))),
    ];
    const node = [
      '--experimental-permission',
      ...reads.map((d) => `--allow-fs-read=${d}`),
      `--allow-fs-write=${resolve(this.#o.scratchDir)}`,
      `--max-old-space-size=${this.#o.memoryMb}`,
      '--no-warnings',
      CHILD,
      resolve(this.#o.dir, this.#o.main),
      JSON.stringify(this.#o.config ?? {}),
      JSON.stringify({ net: broker.granted }),
    ];
    const [command, args] = can.namespaces ? ['unshare', ['--net', '--pid', '--fork', '--kill-child', process.execPath, ...node]] : [process.execPath, node];
    const child = spawn(command, args as string[], {
      cwd: resolve(this.#o.scratchDir),
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const proc: Proc = { child, pending: new Map(), dead: false, fetches: new Set(), net: new AbortController() };
    this.#proc = proc;
    let stderr = '';
    (child.stderr as Readable).on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    let killedFor: ExportIaError | undefined;
    const channel = child.stdio[3] as Readable & Writable;
    const reader = new FrameReader(MAX_FRAME_BYTES);

    return new Promise<string[]>((resolveStart, rejectStart) => {
      let ready = false;
      const startTimer = setTimeout(() => {
        this.#kill(proc);
        rejectStart(new ExportIaError('EIA_PLUGIN_TIMEOUT', { plugin: this.#o.id, timeoutMs: this.#o.startTimeoutMs, call: 'start-up' }));
      }, this.#o.startTimeoutMs);
      const onMessage = (m: PluginMessage) => {
        if (m.type === 'ready') {
          if (ready) throw new ProtocolError('ready twice');
          ready = true;
          clearTimeout(startTimer);
          this.#components = m.components;
          proc.nodePid = can.namespaces ? childOf(child.pid) : child.pid;
          resolveStart(m.components);
          return;
        }
        if (m.type === 'fetch') {
          this.#serveFetch(proc, broker, m);
          return;
        }
        const pending = proc.pending.get(m.id);
        if (!pending) throw new ProtocolError(`an answer to no call (${m.id})`);
        proc.pending.delete(m.id);
        clearTimeout(pending.timer);
        this.#record(pending.started, m.type === 'error');
        if (m.type === 'error') pending.reject(new ExportIaError('EIA_PLUGIN_CALL_FAILED', { plugin: this.#o.id, code: m.code, detail: m.message }));
        else if (m.type === 'pong') {
          this.metrics.memoryPeak = Math.max(this.metrics.memoryPeak, m.memory);
          pending.resolve({ memory: m.memory });
        } else pending.resolve(m.value);
      };
      channel.on('data', (chunk: Buffer) => {
        if (proc.dead) return;
        try {
          for (const frame of reader.push(chunk)) onMessage(checkPluginMessage(parseFrame(frame)));
        } catch (err) {
          killedFor = new ExportIaError('EIA_PLUGIN_IPC_INVALID', { plugin: this.#o.id, detail: (err as Error).message.slice(0, 300) });
          this.#kill(proc, killedFor);
          if (!ready) {
            clearTimeout(startTimer);
            rejectStart(killedFor);
          }
        }
      });
      channel.on('error', () => {});
      child.on('exit', (code, signal) => {
        clearTimeout(startTimer);
        clearInterval(proc.memoryTimer);
        const oom = /heap out of memory|Allocation failed|Reached heap limit/i.test(stderr);
        const detail = oom
          ? `it ran out of memory (limit ${this.#o.memoryMb} MB)`
          : `its process ended (${signal ?? `exit ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-1)[0]?.slice(0, 200)}` : ''}`;
        const error = new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail });
        this.#retire(proc, error);
        if (!ready) rejectStart(error);
      });
      child.on('error', (err) => {
        clearTimeout(startTimer);
        this.#retire(proc, new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: err.message }));
        rejectStart(new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: err.message }));
      });
    });
  }

  /** Calls `method` of a component (`checker:words`, `check`) with JSON arguments. */
  async call(component: string, method: string, args: readonly unknown[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    // Started already: straight to the channel (no extra turn through the start promise).
    if (!this.#proc || this.#proc.dead || this.#starting === undefined) await this.start();
    else if (this.#components.length === 0) await this.#starting;
    return this.#send(
      { type: 'call', id: this.#nextId++, component, method, payload: args },
      options.timeoutMs ?? this.#o.timeoutMs,
      `${component}.${method}`,
      options.signal,
    );
  }

  /** Health check: answers with the process's resident memory. */
  async ping(timeoutMs = 5_000): Promise<{ memory: number }> {
    await this.start();
    return (await this.#send({ type: 'ping', id: this.#nextId++ }, timeoutMs, 'ping')) as { memory: number };
  }

  #send(message: HostMessage, timeoutMs: number, what: string, signal?: AbortSignal): Promise<unknown> {
    const proc = this.#proc;
    if (!proc || proc.dead) return Promise.reject(new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: 'its process is not running' }));
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.metrics.calls++;
    const frame = encodeFrame(message);
    return new Promise((resolveCall, rejectCall) => {
      const started = performance.now();
      // Stopping a call (its deadline, or the caller's signal) kills the process: it may be stuck
      // in code that never yields, and must not take the next call in that state.
      const stop = (error: unknown) => {
        if (!proc.pending.delete(message.id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#record(started, true);
        this.#kill(proc);
        rejectCall(error);
      };
      const onAbort = () => stop(signal?.reason);
      const timer = setTimeout(() => stop(new ExportIaError('EIA_PLUGIN_TIMEOUT', { plugin: this.#o.id, timeoutMs, call: what })), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          signal?.removeEventListener('abort', onAbort);
          fn(v);
        };
      proc.pending.set(message.id, { resolve: settle(resolveCall), reject: settle(rejectCall), timer, started });
      this.#watchMemory(proc);
      (proc.child.stdio[3] as Writable).write(frame);
    });
  }

  /**
   * A request of the plugin (at start-up too, or after its call ended): the broker answers it
   * while the process lives; with the process, it ends.
   */
  #serveFetch(proc: Proc, broker: NetBroker, m: FetchMessage): void {
    if (proc.fetches.has(m.id)) throw new ProtocolError(`fetch ${m.id} is already running`);
    proc.fetches.add(m.id);
    this.metrics.netRequests++;
    void broker.serve(m, proc.net.signal).then((answer) => {
      proc.fetches.delete(m.id);
      if (answer.type === 'fetch-error' && answer.code === 'EIA_PLUGIN_NET_DENIED') this.metrics.netDenied++;
      if (proc.dead) return;
      const channel = proc.child.stdio[3] as Writable;
      // A plugin that asks and never reads the answers would make the host buffer them.
      if (channel.writableLength > 4 * MAX_FRAME_BYTES) {
        this.#kill(proc, new ExportIaError('EIA_PLUGIN_IPC_INVALID', { plugin: this.#o.id, detail: "it does not read the network broker's answers" }));
        return;
      }
      let frame: Buffer;
      try {
        frame = encodeFrame(answer);
      } catch (err) {
        frame = encodeFrame({ type: 'fetch-error', id: m.id, code: 'EIA_PLUGIN_NET_FAILED', message: (err as Error).message });
      }
      channel.write(frame);
    });
  }

  /**
   * While the process lives, its resident memory is read every 50 ms when a call is running
   * (one timer per process, not per call); over the limit it is killed.
   */
  #watchMemory(proc: Proc): void {
    if (proc.memoryTimer || proc.nodePid === undefined) return;
    proc.memoryTimer = setInterval(() => {
      if (proc.pending.size === 0) return;
      const rss = residentBytes(proc.nodePid);
      if (rss === undefined) return;
      this.metrics.memoryPeak = Math.max(this.metrics.memoryPeak, rss);
      if (rss > this.rssLimitBytes)
        this.#kill(
          proc,
          new ExportIaError('EIA_PLUGIN_CRASHED', {
            plugin: this.#o.id,
            detail: `it used ${Math.round(rss / 2 ** 20)} MB of memory (limit ${Math.round(this.rssLimitBytes / 2 ** 20)} MB)`,
          }),
        );
    }, 50);
    proc.memoryTimer.unref();
  }

  #record(started: number, failed: boolean): void {
    if (failed) this.metrics.failures++;
    this.metrics.durations.push(performance.now() - started);
    if (this.metrics.durations.length > 1000) this.metrics.durations.shift();
  }

  /** The process is done for: its calls fail with `error`, and the next call starts a new one. */
  #retire(proc: Proc, error: ExportIaError): void {
    proc.dead = true;
    clearInterval(proc.memoryTimer);
    proc.net.abort();
    for (const p of proc.pending.values()) {
      clearTimeout(p.timer);
      this.metrics.failures++;
      p.reject(error);
    }
    proc.pending.clear();
    if (this.#proc === proc) {
      this.#proc = undefined;
      this.#starting = undefined;
    }
  }

  #kill(proc: Proc, error?: ExportIaError): void {
    if (!proc.dead) this.metrics.kills++;
    this.#retire(proc, error ?? new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: 'its process was stopped' }));
    const { child } = proc;
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      // The whole group: unshare and the node it started.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const proc = this.#proc;
    if (!proc) return;
    const exited = new Promise((r) => proc.child.once('exit', r));
    this.#retire(proc, new ExportIaError('EIA_PLUGIN_CRASHED', { plugin: this.#o.id, detail: 'the sandbox was closed' }));
    (proc.child.stdio[3] as Writable).end();
    const timer = setTimeout(() => this.#kill(proc), 1_000);
    if (proc.child.exitCode === null && proc.child.signalCode === null) await exited;
    clearTimeout(timer);
  }
}

/** The first child of a process (unshare --fork starts exactly one), from /proc. */
function childOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc: memory is then bounded by the heap limit only
  }
  return undefined;
}

/** Resident memory of a process, bytes (Linux /proc); undefined elsewhere. */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : undefined;
  } catch {
    return undefined;
  }
}
