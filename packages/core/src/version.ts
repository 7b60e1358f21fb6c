import { readFileSync } from 'node:fs';

/** Version of @export-ia/core, checked against every plugin's `engines["export-ia"]` range. */
export const CORE_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Plugin API versions this host can run. */
export const SUPPORTED_API_VERSIONS: readonly number[] = [1];
