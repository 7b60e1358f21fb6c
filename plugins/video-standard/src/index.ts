/**
 * @export-ia/plugin-video-standard — the built-in steps of `export-ia clip`, registered through
 * the plugin API like any third-party step: the speech recognisers `pocketsphinx`, `whisper`
 * and `openai`, the detector `face`, the scorer `standard` and the captioner `standard`. The implementations live in
 * @export-ia/video (a library, as @export-ia/highlight is for the exporters), which also uses
 * them when it runs without a host.
 *
 * The library is imported on the first call, not at setup: a host that never clips (every
 * `export-ia export` builds one) does not pay for loading it.
 */
import { type Captioner, type Detector, definePlugin, ExportIaError, type Scorer, type Transcriber } from '@export-ia/core/plugin';

type VideoLibrary = typeof import('@export-ia/video');

let library: Promise<VideoLibrary> | undefined;
const load = (): Promise<VideoLibrary> => {
  library ??= import('@export-ia/video').catch((error: unknown) => {
    library = undefined;
    throw new ExportIaError('EIA_PLUGIN_SETUP_FAILED', {
      plugin: 'video-standard',
      detail: `its library @export-ia/video cannot be loaded (${(error as Error)?.message ?? String(error)})`,
    });
  });
  return library;
};

/** A step made on its first use (one instance: the face detector keeps its model). */
function lazy<T>(make: (video: VideoLibrary) => T): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= load().then(make);
    return made;
  };
}

function transcriber(make: (video: VideoLibrary) => Transcriber): Transcriber {
  const get = lazy(make);
  return {
    async available(language, ctx) {
      const step = await get();
      return step.available ? step.available(language, ctx) : { ok: true };
    },
    async transcribe(input, ctx) {
      return (await get()).transcribe(input, ctx);
    },
  };
}

export default definePlugin({
  setup(api) {
    api.transcriber(
      'pocketsphinx',
      transcriber((v) => v.pocketSphinxTranscriber()),
    );
    api.transcriber(
      'whisper',
      transcriber((v) => v.whisperTranscriber()),
    );
    api.transcriber(
      'openai',
      transcriber((v) => v.openAiTranscriber()),
    );
    const face = lazy((v) => v.faceDetectorStep());
    const detector: Detector = { detect: async (frame, ctx) => (await face()).detect(frame, ctx) };
    api.detector('face', detector);
    const standard = lazy((v) => v.standardScorer());
    const scorer: Scorer = { score: async (input, ctx) => (await standard()).score(input, ctx) };
    api.scorer('standard', scorer);
    const captions = lazy((v) => v.standardCaptioner());
    const captioner: Captioner = { captions: async (input, ctx) => (await captions()).captions(input, ctx) };
    api.captioner('standard', captioner);
  },
});
