/**
 * The entry of a sandboxed plugin process (see sandbox.ts for how it is started: Node's
 * permission model, an empty environment, a memory limit, and network/PID namespaces where the
 * host allows). It loads the plugin's main module, runs its `setup` with an API that records the
 * components, says `ready`, then answers calls on fd 3, one frame per message.
 */
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { encodeFrame, FrameReader, type HostMessage, parseFrame } from './protocol.js';

const PLUGIN_BRAND = Symbol.for('export-ia.plugin');
const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = (message: unknown) => channel.write(encodeFrame(message));
const components = new Map<string, Record<string, unknown>>();

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
    onClose: () => {},
  });
  // A checker's merge is announced as `checker:<id>.merge` (the host proxies it only then).
  const names = [...components.keys()];
  for (const [name, impl] of components) if (typeof impl.merge === 'function') names.push(`${name}.merge`);
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
    // report() collects diagnostics, returned with the value. Host services (importWith,
    // exportWith) and cancellation are not available in a sandbox: the host's deadline applies.
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
