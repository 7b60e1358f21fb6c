/**
 * @export-ia/plugin-theme-standard — contributes the `default`, `report` and `academic` themes
 * (YAML files under themes/, declared in the manifest; no code runs for them).
 */
import { definePlugin } from '@export-ia/core/plugin';

export default definePlugin({
  setup() {
    // Themes are declarative: the host reads the files listed in the manifest.
  },
});
