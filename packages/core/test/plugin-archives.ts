/**
 * Test helpers: plugin packages and archives made on the spot, hostile ones included (the tar
 * writer can produce entries no honest packer would: `..`, absolute paths, links, devices).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  data?: string | Uint8Array;
  /** tar type flag: '0' file (default), '2' symlink, '1' hard link, '3' char device, '5' folder. */
  type?: string;
  linkname?: string;
}

function header(name: string, size: number, type: string, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkname, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A .tgz of the entries, written as given. */
export function makeTgz(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    blocks.push(header(e.name, data.length, e.type ?? '0', e.linkname));
    blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export interface PluginFiles {
  id: string;
  version?: string;
  dependencies?: Record<string, string>;
  engines?: string;
  main?: string;
  extra?: Record<string, unknown>;
  /** Body of setup(api). Default: an exporter `<id>-txt` writing the word count. */
  setup?: string;
  /** npm dependencies of the package. */
  npmDependencies?: Record<string, string>;
}

/** The files of a small plugin that imports the plugin API like a real one. */
export function pluginFiles(p: PluginFiles): Record<string, string> {
  const exporter = `${p.id}-txt`;
  const pkg = {
    name: `export-ia-plugin-${p.id}`,
    version: p.version ?? '1.0.0',
    type: 'module',
    engines: { 'export-ia': p.engines ?? '^0.1.0' },
    exportIa: {
      id: p.id,
      apiVersion: 1,
      main: p.main ?? 'dist/index.js',
      contributes: { exporters: [{ id: exporter, extension: '.txt', mediaType: 'text/plain' }] },
      dependencies: p.dependencies ?? {},
      permissions: {},
      resources: { memoryMb: 96, timeoutMs: 5000 },
      ...p.extra,
    },
    peerDependencies: { '@export-ia/core': '^0.1.0' },
    ...(p.npmDependencies ? { dependencies: p.npmDependencies } : {}),
  };
  const setup =
    p.setup ??
    `api.exporter('${exporter}', { export(doc) { return new TextEncoder().encode('${p.id} ${p.version ?? '1.0.0'}: ' + JSON.stringify(doc.root).length); } });`;
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'dist/index.js': `import { definePlugin } from '@export-ia/core/plugin';\nexport default definePlugin({ setup(api) { ${setup} } });\n`,
    'README.md': `# ${p.id}\n`,
  };
}

export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/** The plugin as npm packs it (entries under `package/`). */
export function pluginTgz(p: PluginFiles, more: readonly TarEntry[] = []): Buffer {
  return makeTgz([...Object.entries(pluginFiles(p)).map(([name, data]) => ({ name: `package/${name}`, data })), ...more]);
}
