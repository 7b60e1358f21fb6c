/**
 * The entry of a sandboxed plugin process (see sandbox.ts for how it is started: Node's
 * permission model, an empty environment, a memory limit, and network/PID namespaces where the
 * host allows). It loads the plugin's main module, runs its `setup` with an API that records the
 * components, says `ready`, then answers calls on fd 3, one frame per message.
 *
 * The process has no network of its own: `fetch` (global, `api.fetch`, `ctx.fetch`) asks the
 * host's broker, which checks each request against the manifest's `permissions.net`.
 */
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { checkPluginMessage, encodeFrame, type FetchedMessage, type FetchMessage, FrameReader, type HostMessage, parseFrame } from './protocol.js';

const PLUGIN_BRAND = Symbol.for('export-ia.plugin');
const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = (message: unknown) => channel.write(encodeFrame(message));
const components = new Map<string, Record<string, unknown>>();
const options = JSON.parse(process.argv[4] ?? '{}') as { net?: boolean };

// Requests waiting for the broker, by the child's own ids (the host's call ids are another space).
const fetches = new Map<number, { method: string; resolve: (r: Response) => void; reject: (e: unknown) => void }>();
let nextFetchId = 1;

/** Like the platform's fetch failures: a TypeError, here with the host's code. */
const fetchError = (message: string, code?: string) => (code ? Object.assign(new TypeError(message), { code }) : new TypeError(message));

/** `fetch` through the host: the same arguments and the same Response as the platform's. */
async function brokerFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  if (!options.net) throw fetchError('fetch failed: this plugin has no net permission (its manifest lists no permissions.net.hosts)', 'EIA_PLUGIN_NET_DENIED');
  const request = new Request(input, init);
  request.signal.throwIfAborted();
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
  // No prototype: a header named __proto__ stays a key, and the protocol check refuses it here.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of request.headers) headers[name] = value;
  const message: FetchMessage = { type: 'fetch', id: nextFetchId++, url: request.url, method: request.method, headers, redirect: request.redirect };
  if (body) message.body = body;
  try {
    checkPluginMessage(message);
  } catch (err) {
    throw fetchError(`fetch failed: ${(err as Error).message}`);
  }
  request.signal.throwIfAborted();
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => {
      fetches.delete(message.id);
      reject(request.signal.reason);
    };
    const done =
      <T>(fn: (v: T) => void) =>
      (v: T) => {
        request.signal.removeEventListener('abort', onAbort);
        fn(v);
      };
    request.signal.addEventListener('abort', onAbort, { once: true });
    fetches.set(message.id, { method: request.method, resolve: done(resolve), reject: done(reject) });
    send(message);
  });
}

function answerFetch(message: FetchedMessage | { type: 'fetch-error'; id: number; code: string; message: string }): void {
  const waiting = fetches.get(message.id);
  // Aborted by the plugin meanwhile.
  if (!waiting) return;
  fetches.delete(message.id);
  if (message.type === 'fetch-error') {
    waiting.reject(fetchError(message.message, message.code));
    return;
  }
  try {
    const empty = waiting.method === 'HEAD' || [101, 204, 205, 304].includes(message.status);
    const response = new Response(empty ? null : message.body, { status: message.status, statusText: message.statusText, headers: message.headers });
    // A constructed Response has no URL of its own; the plugin sees where the answer came from.
    Object.defineProperties(response, { url: { value: message.url }, redirected: { value: message.redirected } });
    waiting.resolve(response);
  } catch (err) {
    waiting.reject(fetchError(`fetch failed: ${(err as Error).message}`, 'EIA_PLUGIN_NET_FAILED'));
  }
}

// Plain `fetch` in the plugin is the broker's, from the first line of its module on.
globalThis.fetch = brokerFetch;

async function main(): Promise<void> {
  const file = process.argv[2] as string;
  const config = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
  const mod = (await import(pathToFileURL(file).href)) as { default?: { [PLUGIN_BRAND]?: true; setup?: (api: unknown) => unknown } };
  const definition = mod.default;
  if (definition?.[PLUGIN_BRAND] !== true || typeof definition.setup !== 'function') {
    throw new Error('the main module does not default-export a plugin (definePlugin)');
  }
  const register = (kind: string) => (id: string, implementation: Record<string, unknown>) => components.set(`${kind}:${id}`, implementation);
  await definition.setup({
    config,
    importer: register('importer'),
    exporter: register('exporter'),
    transform: register('transform'),
    checker: register('checker'),
    transcriber: register('transcriber'),
    detector: register('detector'),
    scorer: register('scorer'),
    captioner: register('captioner'),
    onClose: () => {},
    fetch: brokerFetch,
  });
  // A checker's merge is announced as `checker:<id>.merge`, a transcriber's availability check as
  // `transcriber:<id>.available` (the host proxies them only then).
  const names = [...components.keys()];
  for (const [name, impl] of components) {
    if (typeof impl.merge === 'function') names.push(`${name}.merge`);
    if (name.startsWith('transcriber:') && typeof impl.available === 'function') names.push(`${name}.available`);
  }
  send({ type: 'ready', components: names });
}

const reader = new FrameReader();
channel.on('data', (chunk: Buffer) => {
  let frames: string[];
  try {
    frames = reader.push(chunk);
  } catch {
    process.exit(70);
  }
  for (const frame of frames) void handle(parseFrame(frame) as HostMessage);
});
channel.on('end', () => process.exit(0));

async function handle(message: HostMessage): Promise<void> {
  if (message.type === 'fetched' || message.type === 'fetch-error') {
    answerFetch(message);
    return;
  }
  if (message.type === 'ping') {
    send({ type: 'pong', id: message.id, memory: process.memoryUsage().rss });
    return;
  }
  try {
    const component = components.get(message.component);
    const method = component?.[message.method];
    if (typeof method !== 'function') throw Object.assign(new Error(`no ${message.component}.${message.method}`), { code: 'EIA_COMPONENT_NOT_FOUND' });
    const args = Array.isArray(message.payload) ? [...message.payload] : [message.payload];
    // A component's context arrives as data ({ $context: … }): it becomes a context object whose
    // report() collects diagnostics, returned with the value, and fetch() goes through the
    // broker. Host services (importWith, exportWith) and cancellation are not available in a
    // sandbox: the host's deadline applies.
    const diagnostics: unknown[] = [];
    const last = args[args.length - 1] as { $context?: Record<string, unknown> } | undefined;
    const withContext = typeof last === 'object' && last !== null && '$context' in last;
    if (withContext) {
      const unavailable = (what: string) => () => {
        throw Object.assign(new Error(`${what} is not available to a sandboxed plugin`), { code: 'EIA_SANDBOX_UNAVAILABLE' });
      };
      args[args.length - 1] = {
        ...last.$context,
        signal: new AbortController().signal,
        report: (d: unknown) => diagnostics.push(d),
        progress: () => {},
        importWith: unavailable('importWith'),
        exportWith: unavailable('exportWith'),
        fetch: brokerFetch,
      };
    }
    const returned = (method as (...a: unknown[]) => unknown).apply(component, args);
    // A synchronous answer goes out in this turn; only a promise waits.
    const value = returned instanceof Promise ? await returned : returned;
    send({ type: 'result', id: message.id, value: withContext ? { value: value ?? null, diagnostics } : (value ?? null) });
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    send({ type: 'error', id: message.id, code: typeof e.code === 'string' ? e.code : 'EIA_PLUGIN_ERROR', message: String(e.message ?? err) });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`plugin setup failed: ${(err as Error).message}\n`);
  process.exit(78);
});
