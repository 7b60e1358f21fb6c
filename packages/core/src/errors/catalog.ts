/**
 * The error catalogue: every error and warning Export IA reports has a permanent `EIA_*` code,
 * a message template and a hint that says what to do. `docs/errors.md` is generated from this
 * table and a test keeps the two in sync (like Fastify's and Astro's catalogues).
 *
 * Rules: codes are never renamed or reused; messages say what happened, hints say what to do.
 * `{name}` placeholders are filled from the error's params.
 */

/** How an error affects a run, which also decides the CLI exit code. */
export type ErrorKind =
  /** Bad flag, unknown format/theme, invalid config or plugin setup: exit 2, nothing is done. */
  | 'usage'
  /** One input failed; the others of a batch still run: exit 3. */
  | 'input'
  /** A condition worth reporting that does not stop the export (a finding). */
  | 'warning'
  /** A bug or an environment failure we did not foresee: exit 70. */
  | 'internal';

export interface CatalogEntry {
  readonly kind: ErrorKind;
  /** Short title used in the generated docs. */
  readonly title: string;
  /** Message template; `{param}` is replaced from the error's params. */
  readonly message: string;
  /** What the user should do about it. */
  readonly hint: string;
  /** A transient condition: the job runner retries the step (with backoff) before giving up. */
  readonly retryable?: true;
}

function entry(kind: ErrorKind, title: string, message: string, hint: string, options: { retryable?: true } = {}): CatalogEntry {
  return options.retryable ? { kind, title, message, hint, retryable: true } : { kind, title, message, hint };
}

export const catalog = {
  // ── Usage and configuration (exit 2) ─────────────────────────────────────────────
  EIA_USAGE: entry('usage', 'Invalid command line', '{detail}', 'Run `export-ia --help` (or `export-ia <command> --help`) to see the accepted options.'),
  EIA_UNKNOWN_FORMAT: entry(
    'usage',
    'Unknown output format',
    'Unknown output format "{format}".',
    'Use one of: {known}. Formats come from exporter plugins; `export-ia plugins` lists them.',
  ),
  EIA_UNKNOWN_THEME: entry('usage', 'Unknown theme', 'Unknown theme "{theme}".', 'Use one of: {known}, or pass the path of a theme file (YAML or JSON).'),
  EIA_THEME_INVALID: entry(
    'usage',
    'Invalid theme file',
    'Theme {file} is invalid: {detail}',
    'Fix the theme file; `docs/themes.md` lists every key with its type and default.',
  ),
  EIA_CONFIG_INVALID: entry(
    'usage',
    'Invalid configuration',
    'Configuration from {source} is invalid: {detail}',
    'Fix the value; `export-ia export --help` and the README list every key.',
  ),
  EIA_CONFIG_PARSE: entry(
    'usage',
    'Unreadable configuration file',
    'Cannot parse {file}: {detail}',
    'The file must be valid YAML (or JSON); fix the syntax at the line shown.',
  ),
  EIA_METADATA_INVALID: entry(
    'usage',
    'Invalid --metadata value',
    'Invalid metadata "{value}": expected key=value.',
    'Write `--metadata author="Ada Lovelace"`; repeat the flag for several keys.',
  ),
  EIA_GLOB_NO_MATCH: entry(
    'usage',
    'No input matched',
    'No file matches "{pattern}".',
    "Check the pattern and quote it so your shell does not expand it: `export-ia export 'docs/**/*.md'`.",
  ),
  EIA_OUTPUT_AMBIGUOUS: entry(
    'usage',
    'Output target does not fit the inputs',
    '{detail}',
    'Use `-o <directory>/` for several inputs or formats; `-o -` and `-o file.ext` take one input and one format.',
  ),
  EIA_PIPELINE_INVALID: entry(
    'usage',
    'Invalid pipeline',
    'Pipeline {source} is invalid: {detail}',
    'A pipeline is an importer, then transforms, then one or more exporters; see docs/pipelines.md.',
  ),
  EIA_COMPONENT_NOT_FOUND: entry(
    'usage',
    'Unknown pipeline component',
    'No {kind} named "{id}" is registered.',
    'Registered {kind}s: {known}. Install or enable the plugin that contributes it.',
  ),

  // ── Plugins (exit 2: the host refuses to start with a broken plugin set) ─────────
  EIA_PLUGIN_NOT_FOUND: entry(
    'usage',
    'Plugin not found',
    'Plugin "{spec}" cannot be found: {detail}',
    'Check the name (`export-ia plugins list` shows the loaded plugins); for a package, install it (`export-ia plugins install {spec}`) or fix the path in the plugin list.',
  ),
  EIA_PLUGIN_MANIFEST_INVALID: entry(
    'usage',
    'Invalid plugin manifest',
    'Plugin manifest of {plugin} is invalid: {detail}',
    'Fix the "exportIa" field of the plugin\'s package.json; docs/plugins.md describes every field.',
  ),
  EIA_PLUGIN_DUPLICATE: entry(
    'usage',
    'Duplicate plugin id',
    'Two plugins declare the id "{id}": {first} and {second}.',
    'Remove one of them from the plugin list; plugin ids are unique.',
  ),
  EIA_PLUGIN_ENGINE_RANGE: entry(
    'usage',
    'Plugin needs another Export IA version',
    'Plugin {plugin} requires Export IA {range}, this is {version}.',
    'Install a version of the plugin that supports Export IA {version}, or upgrade Export IA.',
  ),
  EIA_PLUGIN_API_VERSION: entry(
    'usage',
    'Plugin API version not supported',
    'Plugin {plugin} targets plugin API {apiVersion}; this host supports {supported}.',
    'Install a version of the plugin built for plugin API {supported}.',
  ),
  EIA_PLUGIN_DEPENDENCY_MISSING: entry(
    'usage',
    'Plugin dependency missing',
    'Plugin {plugin} depends on "{dependency}" ({range}), which is not loaded.',
    'Add the plugin "{dependency}" to the plugin list, or remove {plugin}.',
  ),
  EIA_PLUGIN_DEPENDENCY_RANGE: entry(
    'usage',
    'Plugin dependency version mismatch',
    'Plugin {plugin} needs "{dependency}" {range}, but {found} is loaded.',
    'Install a version of "{dependency}" that satisfies {range}, or a version of {plugin} that accepts {found}.',
  ),
  EIA_PLUGIN_CYCLE: entry(
    'usage',
    'Plugin dependency cycle',
    'Plugins depend on each other in a cycle: {cycle}.',
    'Break the cycle: one of these plugins must not depend on the next.',
  ),
  EIA_PLUGIN_MAIN_OUTSIDE: entry(
    'usage',
    'Plugin entry point outside its package',
    'Plugin {plugin} declares main "{main}", which is outside its package folder.',
    'The "main" of a plugin must be a file inside its own package.',
  ),
  EIA_PLUGIN_SETUP_FAILED: entry(
    'usage',
    'Plugin failed to start',
    'Plugin {plugin} failed during setup: {detail}',
    'Report this to the plugin author; disable the plugin to continue without it.',
  ),
  EIA_PLUGIN_UNDECLARED_CONTRIBUTION: entry(
    'usage',
    'Plugin registered something its manifest does not declare',
    'Plugin {plugin} registered {kind} "{id}", which its manifest does not list under contributes.{list}.',
    'Declare every contribution in the manifest so the host knows it without running the plugin.',
  ),
  EIA_PLUGIN_DEPENDENCY_UNDECLARED: entry(
    'usage',
    'Plugin used another plugin it does not declare',
    'Plugin {plugin} called the {kind} "{id}" of plugin "{dependency}", which it does not list in its dependencies.',
    'The plugin author must add "{dependency}" with a version range to the manifest\'s dependencies.',
  ),
  EIA_SANDBOX_UNAVAILABLE: entry(
    'usage',
    'Plugin sandbox unavailable',
    'Plugin {plugin} cannot be sandboxed on this host: {detail}.',
    'Run on a host that allows namespaces (unshare) with Node 20+; or accept sandboxing without network isolation (EXPORT_IA_SANDBOX_NETWORK=allow); or trust the plugin (EXPORT_IA_TRUSTED_PLUGINS=<id>: it then runs in-process, with your rights).',
  ),
  EIA_PLUGIN_TIMEOUT: entry(
    'input',
    'Plugin call timed out',
    'Plugin {plugin} did not answer {call} within {timeoutMs} ms; its process was stopped.',
    "Raise the plugin's resources.timeoutMs if the document is very large; otherwise report it to the plugin author.",
  ),
  EIA_PLUGIN_CRASHED: entry(
    'input',
    'Plugin process failed',
    'Plugin {plugin} stopped: {detail}.',
    "Raise the plugin's resources.memoryMb if it ran out of memory on a large document; otherwise report it to the plugin author. The next call starts it again.",
  ),
  EIA_PLUGIN_IPC_INVALID: entry(
    'input',
    'Plugin broke the protocol',
    'Plugin {plugin} sent a message the host refuses ({detail}); its process was stopped.',
    'Report this to the plugin author: a plugin talks to the host only through the plugin API.',
  ),
  EIA_PLUGIN_CALL_FAILED: entry(
    'input',
    'Plugin call failed',
    'Plugin {plugin} failed ({code}): {detail}',
    'Report this to the plugin author with the document that triggers it.',
  ),
  EIA_PLUGIN_LINK_OUTSIDE: entry(
    'usage',
    'Plugin folder links outside itself',
    'Plugin {plugin} has a symbolic link {file} to {target}, outside its folder: a sandboxed plugin could read through it.',
    "Replace the link by the file itself, or install the plugin (`export-ia plugins install`), which refuses links. Node's permission model follows links, so the sandbox refuses them.",
  ),
  EIA_PLUGIN_INSTALL_FAILED: entry(
    'usage',
    'Plugin installation failed',
    'Installing plugin from {source} failed: {detail}',
    'Check the source: an npm package name (with an optional @version or @range), a folder with a package.json, or a .tgz or .zip archive of one.',
  ),
  EIA_PLUGIN_ARCHIVE_UNSAFE: entry(
    'usage',
    'Plugin archive refused',
    'The plugin archive {archive} is refused: {detail}.',
    'A plugin archive holds plain files under relative paths only: no absolute paths, no ".." entries, no symbolic or hard links, no devices. Ask the author for a clean package (`npm pack` makes one).',
  ),
  EIA_PLUGIN_ALREADY_INSTALLED: entry(
    'usage',
    'Plugin already installed',
    'Plugin {id} is already installed ({version}, from {source}).',
    'Use `export-ia plugins upgrade {id}` to change its version, or `--force` to install over it.',
  ),
  EIA_PLUGIN_NOT_INSTALLED: entry(
    'usage',
    'Plugin not installed',
    'No installed plugin has the id "{id}"{detail}.',
    '`export-ia plugins list` shows every plugin and where it comes from; built-in plugins and plugins from a config file are not managed by install/uninstall.',
  ),
  EIA_PLUGIN_MODIFIED: entry(
    'usage',
    'Installed plugin modified',
    'Installed plugin {plugin} has been modified since it was installed: {file} ({detail}).',
    'Refusing to run changed code. Reinstall it (`export-ia plugins install <source> --force`) or uninstall it; if nobody here changed it, find out what did.',
  ),
  EIA_PLUGIN_DEPENDENTS: entry(
    'usage',
    'Other plugins depend on this one',
    'Plugin {plugin} cannot be {action}: {dependents} depend on it.',
    'Disable or uninstall {dependents} first, or upgrade them to versions that accept the change.',
  ),
  EIA_PLUGIN_STORE_LOCKED: entry(
    'usage',
    'Plugin store busy',
    'The plugin store {dir} is locked by another command (process {pid}).',
    'Wait for that command to finish. If no export-ia command is running, delete {lock}.',
  ),
  EIA_PLUGIN_SWAP_FAILED: entry(
    'usage',
    'Plugin swap failed',
    'Plugin {plugin} could not be swapped to {version}: {detail}. The running version keeps serving.',
    'Fix the new version (its health check or start-up failed) and try again; nothing changed for running jobs.',
  ),
  EIA_CONFIRMATION_REQUIRED: entry(
    'usage',
    'Confirmation needed',
    '{action} needs your confirmation, and there is no terminal to ask it on.',
    'Read what it grants ({detail}) and run the command again with --yes.',
  ),
  EIA_PLUGIN_NET_DENIED: entry(
    'input',
    'Plugin network request refused',
    'Plugin {plugin} may not reach {url}: {detail}.',
    'A sandboxed plugin reaches only the hosts its manifest lists in permissions.net.hosts ("api.example.com", "*.example.com" for its subdomains, "api.example.com:8443" for a port other than the default); a private or loopback address only when listed as an IP address or "localhost". If the plugin needs this host, its author must list it.',
  ),
  EIA_PLUGIN_NET_FAILED: entry(
    'input',
    'Plugin network request failed',
    'Plugin {plugin} could not fetch {url}: {detail}.',
    "The host is allowed, but the request failed: check that the server answers. A response is at most about 12 MB, a request lasts at most the plugin's resources.timeoutMs, and a plugin runs 8 requests at once (64 more wait).",
  ),
  EIA_PLUGIN_CONFIG_INVALID: entry(
    'usage',
    'Invalid plugin configuration',
    'Configuration of plugin {plugin} is invalid at "{key}": {detail}',
    "Fix the value (`export-ia plugins config {plugin}` lists the accepted keys and changes them safely: `--set key=value`); the plugin's configSchema in its package.json is the reference.",
  ),

  // ── Inputs (exit 3: this input failed, the rest of the batch continues) ──────────
  EIA_INPUT_NOT_FOUND: entry('input', 'Input not found', 'File not found: {file}.', 'Check the path (it is resolved from the current directory).'),
  EIA_INPUT_IS_DIRECTORY: entry(
    'input',
    'Input is a directory',
    '{file} is a directory, not a document.',
    "Pass the files inside it, e.g. `export-ia export '{file}/**/*.md'`.",
  ),
  EIA_INPUT_UNREADABLE: entry('input', 'Input cannot be read', 'Cannot read {file}: {detail}', 'Check the file permissions.'),
  EIA_INPUT_EMPTY: entry('input', 'Input is empty', '{file} is empty.', 'Nothing to export: add content to the file.'),
  EIA_INPUT_BINARY: entry(
    'input',
    'Input is binary',
    '{file} looks like a binary file ({detail}), not a {format} document.',
    'Export IA reads Markdown, HTML and DOCX; check that you passed the right file.',
  ),
  EIA_INPUT_ENCODING: entry(
    'input',
    'Input is not UTF-8',
    '{file} is not valid UTF-8 (first invalid byte at offset {offset}).',
    'Convert it, e.g. `iconv -f latin1 -t utf-8 {file} > fixed.md`.',
  ),
  EIA_INPUT_TOO_LARGE: entry(
    'input',
    'Input over the size limit',
    '{file} is {size}, over the limit of {limit}.',
    'Split the document, or raise `limits.maxInputBytes` in export-ia.config.yaml if you trust it.',
  ),
  EIA_INPUT_TOO_DEEP: entry(
    'input',
    'Input nested too deeply',
    '{file} nests lists or quotes {depth} levels deep (limit {limit}) at line {line}.',
    'Flatten the structure; raise `limits.maxNesting` in export-ia.config.yaml if you really need it.',
  ),
  EIA_INPUT_UNSUPPORTED: entry(
    'input',
    'No importer for this input',
    'No importer reads {file} ({detail}).',
    'Known inputs: {known}. Pass `--from <format>` if the extension is misleading.',
  ),
  EIA_DOCX_NOT_ZIP: entry(
    'input',
    'DOCX is not a zip archive',
    '{file} is not a valid DOCX file: it is not a zip archive ({detail}).',
    'Re-save it from your word processor as "Word Document (.docx)".',
  ),
  EIA_DOCX_ZIP_BOMB: entry(
    'input',
    'DOCX expands too much',
    '{file} would expand to {size} ({detail}), over the limit of {limit}.',
    'The file looks like a zip bomb; if it is genuine, raise `limits.maxUnzippedBytes`.',
  ),
  EIA_DOCX_EXTERNAL_ENTITY: entry(
    'input',
    'DOCX declares XML entities',
    '{file} contains an XML DOCTYPE or entity declaration in {part}.',
    'Word never writes these; the file was crafted or damaged. Re-save it from a word processor.',
  ),
  EIA_DOCX_INVALID: entry(
    'input',
    'DOCX cannot be read',
    '{file} is not a readable DOCX document: {detail}',
    'Re-save it from your word processor as "Word Document (.docx)".',
  ),
  EIA_DOCX_EQUATIONS_DROPPED: entry(
    'warning',
    'Word equations not imported',
    '{file} contains {count} Word equation(s) (in {parts}); they are not carried into the export.',
    'Convert them to LaTeX maths ($…$) in a Markdown copy, or export from Word to PDF for those pages.',
  ),
  EIA_OUTPUT_NOT_WRITABLE: entry(
    'input',
    'Output cannot be written',
    'Cannot write {file}: {detail}',
    'Check that the output directory exists or can be created and that you may write to it.',
  ),
  EIA_OUTPUT_COLLISION: entry(
    'input',
    'Two inputs would write the same output',
    '{file} would be written by both {first} and {second}.',
    'Export them to different directories, or rename one input; nothing is overwritten silently.',
  ),
  EIA_EXPORT_FAILED: entry(
    'input',
    'Export failed',
    'Exporting {file} to {format} failed: {detail}',
    'The other formats and inputs are unaffected; if the message points at the document, fix it there.',
  ),
  EIA_PDF_COMPILE: entry(
    'input',
    'PDF typesetting failed',
    'Typesetting {file} failed: {detail}',
    "This is usually a bug in Export IA's PDF generation; report it with the input file.",
  ),
  EIA_PDF_STANDARD: entry(
    'input',
    'PDF standard requirement not met',
    '{file} cannot be written as {standard}: {detail}',
    'Fix what the message names (for PDF/UA-1 every image needs alt text), or drop --pdf-standard.',
  ),
  EIA_TIMEOUT: entry(
    'input',
    'Step timed out',
    '{step} did not finish within {timeoutMs} ms for {file}.',
    'Raise `limits.stepTimeoutMs` for very large documents, or split the document.',
  ),
  EIA_CHECKER_FAILED: entry(
    'input',
    'Checker failed',
    'Checker {checker} failed on {file}: {detail}',
    "The other checkers still ran; the score leaves this one out. Report it to the checker's author with the input file.",
  ),
  EIA_CANCELLED: entry('input', 'Cancelled', '{step} was cancelled.', 'Run the command again.'),
  EIA_WORKER_CRASHED: entry(
    'input',
    'Worker crashed',
    'The worker processing {file} stopped unexpectedly: {detail}',
    'The other inputs continue; report this with the input file if it happens again.',
    { retryable: true },
  ),

  // ── Video (exit 3: this video failed, the other files of a batch continue) ──────────
  EIA_VIDEO_FFMPEG_MISSING: entry(
    'usage',
    'ffmpeg not found',
    'No usable {tool} was found ({detail}).',
    'Install ffmpeg (Debian/Ubuntu: `apt-get install ffmpeg`), or set FFMPEG_PATH and FFPROBE_PATH to the binaries; `npm ci` normally installs a bundled copy (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe) for your platform.',
  ),
  EIA_VIDEO_NOT_MEDIA: entry(
    'input',
    'Not a video',
    '{file} is not a video or audio file ffmpeg can read: {detail}.',
    'Pass a video file (MP4, MOV, MKV, WebM…). If it is one, it may be truncated or corrupt: try playing it, or re-download it.',
  ),
  EIA_VIDEO_NO_VIDEO_STREAM: entry(
    'input',
    'No video stream',
    '{file} has no video stream (it holds {streams}).',
    'Clips need pictures: pass the video file rather than its audio track.',
  ),
  EIA_VIDEO_NO_AUDIO_STREAM: entry(
    'input',
    'No audio stream',
    '{file} has no audio stream, so there is no speech to find highlights in.',
    'Pass the video with its sound track, or give its transcript with `--transcript file.srt`.',
  ),
  EIA_VIDEO_EMPTY: entry('input', 'Video has no duration', '{file} lasts {duration} s.', 'The file holds no playable frames: re-export or re-download it.'),
  EIA_VIDEO_TOO_SHORT: entry(
    'input',
    'Video too short for clips',
    '{file} lasts {duration} s, shorter than the shortest clip ({min} s).',
    'Lower `--min` (e.g. `--min 5`), or pass a longer video.',
  ),
  EIA_VIDEO_UNSUPPORTED_CODEC: entry(
    'input',
    'Unsupported codec',
    'The {kind} stream of {file} uses {codec}, which this ffmpeg cannot decode.',
    'Convert the file first (`ffmpeg -i in -c:v libx264 -c:a aac out.mp4`), or point FFMPEG_PATH to an ffmpeg built with that decoder.',
  ),
  EIA_VIDEO_CORRUPT: entry(
    'input',
    'Corrupt video',
    '{file} could not be decoded at {at}: {detail}.',
    'The file is damaged or truncated: re-download it, or remux it with `ffmpeg -i in -c copy out.mp4`.',
  ),
  EIA_VIDEO_FFMPEG_FAILED: entry(
    'input',
    'ffmpeg failed',
    'ffmpeg failed while {step} {file} (exit {exit}): {detail}',
    "The message ends with ffmpeg's last log lines. If the input plays fine elsewhere, report it with them (and the ffmpeg version: `ffmpeg -version`).",
    { retryable: true },
  ),
  EIA_VIDEO_TRANSCRIPT_INVALID: entry(
    'input',
    'Transcript cannot be read',
    '{file}: {detail}.',
    'Pass an SRT or WebVTT file (`--transcript talk.srt`); each cue needs a time line `00:00:01,000 --> 00:00:03,500` and text.',
  ),
  EIA_VIDEO_TRANSCRIPT_MISMATCH: entry(
    'warning',
    'Transcript does not match the video',
    'The transcript {transcript} runs to {transcriptEnd} s but the video lasts {duration} s; {detail}.',
    'Check that the captions belong to this video (and this edit of it).',
  ),
  EIA_VIDEO_LLM_FAILED: entry(
    'warning',
    'Language-model score unavailable',
    '{detail}',
    'Check `clip.llm` (url, model, apiKeyEnv) and that the endpoint answers; the clips and their own scores are not affected.',
  ),
  EIA_VIDEO_FEWER_CLIPS: entry(
    'warning',
    'Fewer clips than asked',
    'Only {found} of the {count} clips asked for fit in {file} ({min}–{max} s each, not overlapping).',
    'Lower `--count`, or widen the length bounds (`--min`, `--max`, `--preset short`).',
  ),
  EIA_VIDEO_TRANSCRIPT_TRIMMED: entry(
    'warning',
    'Caption text longer than its time',
    '{count} caption cue(s) in {file} hold more text than can be spoken in their time; each keeps its first words (at most {rate} per second, words of at most 64 characters).',
    'Check the caption file: a cue should hold what is said while it is on screen.',
  ),
  EIA_VIDEO_NO_SPEECH: entry(
    'warning',
    'No speech found',
    'No words were found in {file} ({detail}); clips are chosen from loudness and scene changes only.',
    'Give a transcript (`--transcript talk.srt`) or configure a speech recogniser (`asr` in export-ia.config.yaml, see docs/video.md).',
  ),
  EIA_VIDEO_ASR_MODEL_MISSING: entry(
    'usage',
    'Speech model not found',
    'The speech recognition model {model} does not exist or cannot be read.',
    'Set `asr.model` to the path of a whisper.cpp model file you downloaded (docs/video.md says where); nothing is downloaded for you.',
  ),
  EIA_VIDEO_ASR_MODEL_UNUSABLE: entry(
    'input',
    'Speech model unusable',
    'The speech recogniser {engine} could not use the model {model}: {detail}.',
    'The file is damaged (an interrupted download: fetch it again and compare its checksum) or of a kind this build does not read: use an f16 or quantised ggml model from the whisper.cpp project (docs/video.md).',
  ),
  EIA_VIDEO_ASR_UNAVAILABLE: entry(
    'usage',
    'Speech recogniser unavailable',
    'The speech recogniser {engine} cannot run here: {detail}.',
    'Pick another engine (`asr.engine`: whisper, openai, pocketsphinx), give a transcript with `--transcript`, or install what it needs (docs/video.md).',
  ),
  EIA_VIDEO_ASR_FAILED: entry(
    'input',
    'Speech recognition failed',
    'Speech recognition ({engine}) failed on {file}: {detail}.',
    'Try again; if it keeps failing, give a transcript with `--transcript` or use another `asr.engine`.',
    { retryable: true },
  ),
  EIA_VIDEO_STEP_INVALID: entry(
    'input',
    'Video step answered invalid data',
    'The {kind} "{id}" of plugin {plugin} answered what the clip job cannot use: {detail}.',
    'Report this to the plugin author, or pick another {kind} (`export-ia plugins` lists them; docs/video.md, "Steps as plugins").',
  ),
  EIA_VIDEO_RENDER_TIMEOUT: entry(
    'input',
    'Clip render too slow',
    'Rendering {clip} of {file} took over {limit} s, far more than a clip of {duration} s needs: it was stopped.',
    'A captioner or caption style that asks libass for heavy effects (huge blur, scale or many overlapping captions) is the usual cause: try `--captioner standard`. On a very slow machine, lower --resolution.',
  ),
  EIA_VIDEO_CAPTION_STYLE_INVALID: entry(
    'usage',
    'Invalid caption style',
    'Caption style {file}: {detail}.',
    'Fix the style file; docs/video.md lists its keys (font, size, colours, outline, position).',
  ),

  // ── Event store, jobs and the data directory ─────────────────────────────────────
  EIA_DATA_DIR: entry(
    'usage',
    'Data directory unusable',
    'The data directory {dir} cannot be used: {detail}',
    'Pass --data-dir or set EXPORT_IA_DATA_DIR to a folder you can write to.',
  ),
  EIA_STORE_CORRUPT: entry(
    'usage',
    'Event database unreadable',
    'The event database {file} is damaged or is not an export-ia database: {detail}',
    'Nothing was changed or overwritten. Move it aside (mv "{file}" "{file}.broken") and run again to start a new history, or use another --data-dir; `sqlite3 "{file}.broken" .recover` may rescue its events.',
  ),
  EIA_STORE_LOCKED: entry(
    'input',
    'Event database locked',
    'The event database {file} stayed locked by another process for {timeoutMs} ms.',
    'Another program holds a long write lock on it (an open `sqlite3` shell, a backup tool). Close it and run again; several export-ia processes can share the file.',
    { retryable: true },
  ),
  EIA_STORE_FULL: entry(
    'input',
    'Disk full',
    'The disk holding {file} is full: the events were not written (nothing was half-written).',
    'Free some space (`export-ia jobs prune` removes stored outputs past their retention), then run again.',
  ),
  EIA_STORE_UNWRITABLE: entry(
    'usage',
    'Event database not writable',
    'The event database {file} cannot be opened for writing: {detail}',
    'Check the permissions of the file and its folder, or pass --data-dir / set EXPORT_IA_DATA_DIR to a folder you own.',
  ),
  EIA_STORE_IO: entry(
    'internal',
    'Event database error',
    'The event database {file} failed: {detail}',
    'Check the disk; if the error repeats, report it with the message.',
  ),
  EIA_STORE_TOO_NEW: entry(
    'usage',
    'Event database from a newer version',
    'The event database {file} has schema version {found}; this export-ia knows versions up to {known}.',
    'Upgrade export-ia, or use another --data-dir with this version.',
  ),
  EIA_STORE_CONFLICT: entry(
    'input',
    'Concurrent change to a stream',
    'Cannot append to {stream}: expected {expected}, but {detail}.',
    'Another writer changed the stream first: read it again, decide again, and retry.',
  ),
  EIA_EVENT_INVALID: entry(
    'usage',
    'Invalid event',
    'Invalid event: {detail}',
    'Events need a type, JSON data and unique ids; fix the code that appends them.',
  ),
  EIA_JOB_NOT_FOUND: entry('usage', 'No such job', 'No job matches "{id}".', '`export-ia jobs` lists jobs; an id can be shortened to any unique prefix.'),
  EIA_JOB_AMBIGUOUS: entry('usage', 'Ambiguous job id', '"{id}" matches several jobs: {matches}.', 'Give more characters of the id.'),
  EIA_JOB_STATE: entry(
    'usage',
    'Not possible in this job state',
    'Job {id} is {status}: it cannot be {action}.',
    'Queued and running jobs can be cancelled; failed, cancelled and partly failed jobs can be retried. `export-ia jobs show {id}` shows where the job stands.',
  ),
  EIA_JOB_LEASE_LOST: entry(
    'input',
    'Job taken over',
    'Job {id} was taken over by another runner: this one stopped working on it.',
    'This happens when a process was paused or blocked longer than its lease; `export-ia jobs show {id}` shows how the job ended.',
  ),
  EIA_BLOB_MISSING: entry(
    'input',
    'Stored content missing',
    'The stored {what} ({hash}) is missing or damaged.',
    'It may have been removed by retention (`export-ia jobs prune`); run the export again from its source file.',
  ),

  // ── Warnings (findings attached to a document; the export goes on) ──────────────
  EIA_FRONT_MATTER_UNKNOWN_KEY: entry(
    'warning',
    'Unknown front-matter key',
    'Unknown front-matter key "{key}"{suggestion}.',
    'Known keys: {known}. Custom keys are kept under metadata; put them in `extra:` to silence this.',
  ),
  EIA_FRONT_MATTER_INVALID: entry(
    'warning',
    'Invalid front matter',
    'Front matter is not valid YAML ({detail}); it was ignored.',
    'Fix the YAML between the `---` lines.',
  ),
  EIA_FRONT_MATTER_VALUE: entry(
    'warning',
    'Invalid front-matter value',
    'Front-matter key "{key}" has an invalid value: {detail}; it was ignored.',
    'Fix the value in the front matter; the README lists the accepted values.',
  ),
  EIA_IMAGE_MISSING: entry(
    'warning',
    'Image not found',
    'Image "{url}" not found; a placeholder is shown instead.',
    'Check the path; it is resolved relative to the document ({dir}).',
  ),
  EIA_IMAGE_INVALID: entry(
    'warning',
    'Image cannot be used',
    'Image "{url}" cannot be used: {detail}. A placeholder is shown instead.',
    'Use a PNG, JPEG, GIF, WebP or SVG file.',
  ),
  EIA_IMAGE_TOO_LARGE: entry(
    'warning',
    'Image over the limits',
    'Image "{url}" is {detail}, over the limit of {limit}. A placeholder is shown instead.',
    'Resize the image, or raise `limits.maxImagePixels` / `limits.maxImageBytes` if you trust it.',
  ),
  EIA_IMAGE_OUTSIDE_ROOT: entry(
    'warning',
    'Image outside the allowed folders',
    'Image "{url}" is outside the document\'s folder and the resource paths; it was not read.',
    'Move the image next to the document, or add its folder with `--resource-path`.',
  ),
  EIA_IMAGE_REMOTE_BLOCKED: entry(
    'warning',
    'Remote image not fetched',
    'Remote image "{url}" was not fetched: {detail}.',
    'Remote images are fetched only with --allow-remote, over http(s), from public addresses.',
  ),
  EIA_IMAGE_REMOTE_FAILED: entry(
    'warning',
    'Remote image failed',
    'Remote image "{url}" could not be fetched: {detail}.',
    'Check the URL, or download the image and reference it locally.',
  ),
  EIA_MATH_UNSUPPORTED: entry(
    'warning',
    'Formula not rendered',
    'Formula "{tex}" could not be rendered in {format}: {detail}. Its source is shown instead.',
    'Use standard LaTeX maths commands; custom macros are not supported.',
  ),
  EIA_RAW_HTML_DROPPED: entry(
    'warning',
    'Raw HTML not carried over',
    'Raw HTML at line {line} has no equivalent in {format}; only its text was kept.',
    'Use Markdown syntax instead of HTML for content that must appear in every format.',
  ),
  EIA_LINK_UNSAFE: entry(
    'warning',
    'Unsafe link removed',
    'Link "{url}" uses a scheme that can run code ({scheme}); it was removed.',
    'Use http(s), mailto or a relative link.',
  ),
  EIA_THEME_AUTO: entry('warning', 'Theme chosen automatically', 'Theme auto: "{theme}" ({detail}).', 'Pass --theme <name> to choose it yourself.'),
  EIA_ANALYSIS_SECTIONED: entry(
    'warning',
    'Analysed in sections',
    'The document ({bytes} characters) was analysed in {parts} parts of about {sectionBytes} characters, so memory stays bounded.',
    'Nothing to do. Raise `limits.sectionBytes` to analyse bigger documents in one piece (memory grows with it).',
  ),
  EIA_PDF_WARNING: entry('warning', 'PDF typesetting warning', '{detail}', 'Usually harmless; check the page it mentions.'),

  // ── Internal (exit 70) ───────────────────────────────────────────────────────────
  EIA_INTERNAL: entry(
    'internal',
    'Internal error',
    'Internal error: {detail}',
    'This is a bug in Export IA. Please report it with the command you ran and, if you can, the input.',
  ),
} as const satisfies Record<string, CatalogEntry>;

/** Every permanent error code. */
export type ErrorCode = keyof typeof catalog;

/** Exit code of the CLI for an error of this kind. */
export function exitCodeFor(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
      return 2;
    case 'input':
      return 3;
    case 'internal':
      return 70;
    case 'warning':
      return 0;
  }
}

/** Fills `{name}` placeholders; unknown ones stay visible so a missing param is noticed in review. */
export function formatTemplate(template: string, params: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}
