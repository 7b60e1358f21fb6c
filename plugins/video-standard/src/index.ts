/**
 * @export-ia/plugin-video-standard — the built-in steps of `export-ia clip`, registered through
 * the plugin API like any third-party step: the speech recognisers `pocketsphinx`, `whisper`
 * and `openai`, the detector `face` and the scorer `standard`. The implementations live in
 * @export-ia/video (a library, as @export-ia/highlight is for the exporters), which also uses
 * them when it runs without a host.
 */
import { definePlugin } from '@export-ia/core/plugin';
import { faceDetectorStep, openAiTranscriber, pocketSphinxTranscriber, standardScorer, whisperTranscriber } from '@export-ia/video';

export default definePlugin({
  setup(api) {
    api.transcriber('pocketsphinx', pocketSphinxTranscriber());
    api.transcriber('whisper', whisperTranscriber());
    api.transcriber('openai', openAiTranscriber());
    api.detector('face', faceDetectorStep());
    api.scorer('standard', standardScorer());
  },
});
