/**
 * JSON Schema of a plugin manifest (see manifest.ts for the fields). The `description`s and
 * `default`s are the manifest reference: `npm run docs:manifest` writes docs/manifest-reference.md
 * from them (packages/core/scripts/gen-manifest-docs.mjs) and a test keeps the two in sync.
 */

const id = { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 } as const;
const ext = { type: 'string', pattern: '^\\.[a-z0-9][a-z0-9.+-]*$' } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const componentId = (what: string) => ({ ...id, description: `${what} Unique among the loaded plugins' components of this kind.` });
const displayName = { type: 'string', description: 'Human-readable name, shown by `export-ia plugins` and `export-ia formats`.' } as const;

export const manifestSchema = {
  type: 'object',
  description:
    "The manifest of a plugin: the `exportIa` field of its package.json, plus `version`, `engines` and `name` taken from package.json itself. The host reads it without running the plugin's code, so it declares everything the plugin contributes. Unknown keys are refused.",
  additionalProperties: false,
  required: ['id', 'version', 'engines', 'apiVersion', 'main', 'contributes', 'dependencies', 'permissions', 'resources'],
  properties: {
    id: {
      ...id,
      description:
        'The plugin id: lower-case words of letters and digits joined by single hyphens. Unique among the loaded plugins; `pluginConfig`, `dependencies`, `EXPORT_IA_TRUSTED_PLUGINS` and `export-ia plugins info` name the plugin by it.',
    },
    version: {
      type: 'string',
      minLength: 1,
      description: "From package.json's `version` (a value in `exportIa` is replaced). Must be a valid semantic version.",
    },
    packageName: { type: 'string', description: "From package.json's `name`, when the plugin is a package (a value in `exportIa` is replaced)." },
    description: { type: 'string', description: "What the plugin does, in one sentence. Default: package.json's `description`." },
    engines: {
      type: 'object',
      description: "From package.json's `engines` (a value in `exportIa` is replaced).",
      required: ['export-ia'],
      properties: {
        'export-ia': {
          type: 'string',
          minLength: 1,
          description:
            'The semver range of Export IA versions the plugin supports, e.g. `^0.1.0`. Required: this Export IA version must satisfy it (prereleases count).',
        },
      },
    },
    apiVersion: { type: 'integer', minimum: 1, description: 'The plugin API version the plugin is written against. This host supports `1`.' },
    main: {
      type: 'string',
      minLength: 1,
      default: 'index.js',
      description:
        "The entry module, relative to the package folder, which default-exports `definePlugin({ setup })`. It must stay inside the folder after following symlinks. Default: package.json's `main`, else `index.js`.",
    },
    contributes: {
      type: 'object',
      default: {},
      description:
        'What the plugin adds. `setup` must register an implementation for every importer, exporter, transform, checker and video step listed here, and nothing else.',
      additionalProperties: false,
      properties: {
        importers: {
          type: 'array',
          default: [],
          description: 'Importers: the bytes or text of an input → an mdast tree (plus front matter or metadata).',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'extensions'],
            properties: {
              id: componentId('The importer id, which `--from <id>` names.'),
              name: displayName,
              extensions: {
                type: 'array',
                items: ext,
                description:
                  "File extensions it reads, lower case with the dot (`.md`). Without `--from`, the first importer whose extensions contain the input's extension is chosen.",
              },
              mediaTypes: {
                ...strings,
                default: [],
                description:
                  'Media types it reads. Used to sniff an input whose extension no importer claims: a zip goes to the importer declaring the DOCX media type, `<!doctype html`/`<html` to the one declaring `text/html`, no extension or `.txt` to the one declaring `text/markdown`.',
              },
              binary: {
                type: 'boolean',
                default: false,
                description: '`true`: the importer gets the bytes only. `false`: the host refuses binary content and invalid UTF-8 first, and passes the text.',
              },
            },
          },
        },
        exporters: {
          type: 'array',
          default: [],
          description: 'Exporters: a document and the resolved theme → the bytes of one output file.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'extension', 'mediaType'],
            properties: {
              id: componentId('The exporter id: the format name, which `--to <id>` names.'),
              name: displayName,
              extension: { ...ext, description: 'Extension of the files it writes, lower case with the dot (`.pdf`).' },
              mediaType: { type: 'string', description: 'Media type of what it writes (`application/pdf`).' },
              binary: { type: 'boolean', default: false, description: 'Recorded; the host writes the returned bytes as they are either way.' },
            },
          },
        },
        transforms: {
          type: 'array',
          default: [],
          description: 'Transforms: a document → a new document, between import and export (and before the checkers).',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {
              id: componentId('The transform id, which pipeline files name.'),
              name: displayName,
              description: { type: 'string', description: 'What it changes, in one sentence.' },
              default: {
                type: 'boolean',
                default: false,
                description: 'Part of the default pipeline of every export and analysis, in plugin load order.',
              },
            },
          },
        },
        checkers: {
          type: 'array',
          default: [],
          description: 'Checkers: read a document (never change it) and return findings with positions, and metrics.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {
              id: componentId('The checker id, which `export-ia analyze --checkers <id>` names and which prefixes its rules (`<id>/<rule>`).'),
              name: displayName,
              description: { type: 'string', description: 'What it checks, in one sentence.' },
              default: { type: 'boolean', default: true, description: 'Part of the default analysis (`export-ia analyze` without `--checkers`).' },
              stage: {
                type: 'integer',
                minimum: 0,
                maximum: 100,
                default: 50,
                description:
                  'Order: checkers of a lower stage run first, and their metrics are visible to later ones (language detection is stage 10, so spelling and readability know the language). Checkers of one stage run concurrently.',
              },
            },
          },
        },
        videoSteps: {
          type: 'array',
          default: [],
          description:
            'Steps of video clipping (`export-ia clip`) that a plugin can replace: a speech recogniser (`transcriber`, chosen with `--asr <id>`), a subject detector for reframing (`detector`, `--detector <id>`) or a highlight scorer (`scorer`, `--scorer <id>`). The built-in ones are plugin components too (plugin `video-standard`).',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'kind'],
            properties: {
              id: {
                ...componentId(
                  'The step id, which `--asr`, `--detector` or `--scorer` names (and `clip.asr.engine`, `clip.detector`, `clip.scorer` in export-ia.config.yaml). `none` and `auto` are taken (they mean no step and the default choice).',
                ),
                not: { enum: ['none', 'auto'] },
              },
              kind: {
                enum: ['transcriber', 'detector', 'scorer', 'captioner'],
                description: 'Which step it is; `setup` registers it with `api.transcriber`, `api.detector` or `api.scorer`.',
              },
              name: displayName,
              description: { type: 'string', description: 'What it does, in one sentence.' },
              chunkSeconds: {
                type: 'integer',
                minimum: 0,
                maximum: 86400,
                default: 0,
                description:
                  'Transcribers: the longest piece of sound one `transcribe` call gets; longer sound is cut at pauses into pieces of at most this length. `0`: the whole file in one call. A sandboxed plugin gets at most 240 s per call (a call carries at most 16 MB).',
              },
            },
          },
        },
        themes: {
          type: 'array',
          default: [],
          description: 'Themes: a theme file named by id (`--theme <id>`). No code runs for a theme.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'file'],
            properties: {
              id: componentId("The theme id, which `--theme <id>` and a theme's `extends` name."),
              name: displayName,
              file: { type: 'string', minLength: 1, description: 'The theme file (YAML or JSON), relative to the package folder and inside it.' },
            },
          },
        },
      },
    },
    dependencies: {
      type: 'object',
      default: {},
      description:
        'Other plugins this one needs: plugin id → semver range. They are loaded first; a missing one, a version out of range or a cycle stops the host from starting.',
      propertyNames: id,
      additionalProperties: { type: 'string', minLength: 1 },
    },
    configSchema: {
      type: 'object',
      description:
        "A JSON Schema for the plugin's configuration (`pluginConfig.<id>` in export-ia.config.yaml). It is validated when the plugin loads (its `default`s are applied) and before `export-ia plugins config <id> --set` writes a change. Without it, configuration is passed through unchecked.",
    },
    permissions: {
      type: 'object',
      default: {},
      description:
        'What the plugin may reach beyond the documents it is given; deny by default. Enforced for sandboxed plugins only: built-in and trusted plugins run in the host process with its rights.',
      additionalProperties: false,
      properties: {
        fs: {
          type: 'object',
          description:
            'Files to read and write. Recorded, not granted yet: a sandboxed plugin reads only its own folder and the code it imports, and writes only its scratch folder.',
          additionalProperties: false,
          properties: {
            read: { ...strings, description: 'Paths it would read.' },
            write: { ...strings, description: 'Paths it would write.' },
          },
        },
        net: {
          type: 'object',
          description:
            "Hosts a sandboxed plugin's `fetch` may reach through the host's network broker: `api.example.com`, `*.example.com` (subdomains), `host:port`, an IP literal or `localhost` (the only ways to reach private addresses). Without it, the plugin has no network.",
          additionalProperties: false,
          required: ['hosts'],
          properties: { hosts: { ...strings, description: 'The hosts, as above; a request to any other is refused (`EIA_PLUGIN_NET_DENIED`).' } },
        },
        process: {
          type: 'boolean',
          description: "Starting processes. Recorded, not granted: Node's permission model refuses child processes and worker threads in the sandbox.",
        },
      },
    },
    resources: {
      type: 'object',
      default: {},
      description: 'What one call of the plugin needs. The limits of a sandboxed plugin; for any plugin, `timeoutMs` also shortens the step deadline.',
      additionalProperties: false,
      properties: {
        memoryMb: {
          type: 'integer',
          minimum: 16,
          description:
            'Memory of the sandboxed process: its JavaScript heap (`--max-old-space-size`) and its resident memory, watched while a call runs; past it the process is ended (`EIA_PLUGIN_CRASHED`). Default for a sandboxed plugin: 128.',
        },
        timeoutMs: {
          type: 'integer',
          minimum: 1,
          description:
            'Deadline of one call. A sandboxed process past it is killed (`EIA_PLUGIN_TIMEOUT`); for any plugin it is the step deadline when shorter than `limits.stepTimeoutMs` (a limit the user sets explicitly wins). Default for a sandboxed plugin: 30000.',
        },
        concurrency: {
          type: 'integer',
          minimum: 1,
          description: 'Processes of a sandboxed plugin: a new one starts when every running one is busy, up to this many. Default: 1.',
        },
      },
    },
  },
} as const;
