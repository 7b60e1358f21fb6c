/**
 * Dependency rules (see ARCHITECTURE.md, "Packages and dependency rules"). Each message says why.
 * Run: npm run lint (part of npm test).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to load, test or move on their own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment: 'The core knows only "plugins": it must never depend on a plugin, the CLI or an example, or built-ins would get a special path.',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^(plugins|packages/cli|examples)/' },
    },
    {
      name: 'plugins-use-only-the-plugin-api',
      severity: 'error',
      comment:
        'Plugins import only @export-ia/core/plugin, so third-party plugins can do everything built-ins do, and a plugin can later run out of process. Use the host API only in apps (cli, server) and in tests.',
      from: { path: '^(plugins/[^/]+|examples/plugin-hello)/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^|/)(packages/core|@export-ia/core)/', pathNot: '(packages/core|@export-ia/core)/(src|dist)/plugin\\.(ts|js|d\\.ts)$' },
    },
    {
      name: 'plugins-do-not-import-each-other',
      severity: 'error',
      comment: 'A plugin reaches another plugin only through the host (ctx.importWith, declared dependencies), never by importing its code.',
      from: { path: '^plugins/([^/]+)/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^plugins/', pathNot: '^plugins/$1/' },
    },
    {
      name: 'apps-do-not-import-plugin-code',
      severity: 'error',
      comment: 'Only the composition root names built-in plugins, by package name, and the loader loads them like any other plugin.',
      from: { path: '^packages/cli/src/' },
      to: { path: '^plugins/' },
    },
  ],
  options: {
    // Follow neither packages nor build output, but keep the edges to them so rules can see them.
    doNotFollow: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
