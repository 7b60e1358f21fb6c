/**
 * The face detector: `@vladmandic/human`'s BlazeFace detector and FaceMesh landmarks (the mouth
 * opening tells who speaks) on TensorFlow.js's WebAssembly backend. Model weights and the .wasm
 * binaries ship inside the npm packages, so `npm ci` alone gives a working detector: nothing is
 * downloaded at install or run time, and nothing is built natively.
 *
 * Why this one (measured on this machine, 2 cores, one 640×360 frame with a 45 px face):
 * Human BlazeFace + FaceMesh on WASM ≈ 95 ms/frame, centre within 1 px of face-api's SSD;
 * `@vladmandic/face-api` SSD MobileNet on WASM ≈ 650 ms (7.3 s on the pure-JS CPU backend),
 * TinyFaceDetector 416 ≈ 200 ms with a false positive on the space suit, 224 ≈ 57 ms but missed
 * the face. OpenCV.js Haar needs a cascade file from outside npm.
 *
 * Human's `exports` map does not expose its Node WASM build, so it is loaded by path next to the
 * package's main file; its models are read from the package's `models/` folder through a
 * TensorFlow.js load router (Node's fetch cannot read `file://`).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SubjectBox } from '../types.js';
import type { Frame } from './frames.js';

/** Finds subjects in one frame. Boxes are normalised to the frame (0…1). */
export interface SubjectDetector {
  /** `face:human-blazeface`, `motion`… */
  id: string;
  detect(frame: Frame): Promise<SubjectBox[]>;
  /** Releases what this detector holds (the shared model stays loaded for the process). */
  close(): Promise<void>;
}

export interface FaceDetectorOptions {
  /** Landmarks (FaceMesh) for the mouth opening. Default true. */
  landmarks?: boolean;
  /** Minimum detector confidence, 0…1. Default 0.5. */
  minConfidence?: number;
  /** Most faces per frame. Default 6. */
  maxFaces?: number;
}

// Minimal shapes of what we use from Human and its TensorFlow.js (their own typings pull in
// WebGPU and DOM types).
interface Tensor {
  dispose(): void;
}
interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}
interface TfLike {
  tensor4d(values: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): Tensor;
  ready(): Promise<void>;
  getBackend(): string;
  io: {
    registerLoadRouter(router: (url: string | string[]) => unknown): void;
    concatenateArrayBuffers(buffers: ArrayBuffer[]): ArrayBuffer;
  };
}
interface HumanFace {
  score: number;
  boxScore?: number;
  box: [number, number, number, number];
  mesh?: Array<[number, number, number?]>;
}
interface HumanLike {
  tf: TfLike;
  load(): Promise<void>;
  detect(input: Tensor): Promise<{ face: HumanFace[]; error?: string | null }>;
}
type HumanCtor = new (config: Record<string, unknown>) => HumanLike;

interface Loaded {
  human: HumanLike;
  landmarks: boolean;
}

/** One model per process per configuration: loading takes ≈ 0.1–0.7 s. */
const loaded = new Map<string, Promise<Loaded>>();
/** Human runs one inference at a time. */
let queue: Promise<unknown> = Promise.resolve();
const routedPrefixes = new Set<string>();

function packagePaths(): { build: string; models: string; wasm: string } {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@vladmandic/human'));
  return {
    build: join(dist, 'human.node-wasm.js'),
    models: join(dist, '..', 'models'),
    wasm: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`,
  };
}

/** Serves `file://` model URLs under `prefix` from disk. */
function routeModels(tf: TfLike, prefix: string): void {
  if (routedPrefixes.has(prefix)) return;
  routedPrefixes.add(prefix);
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(prefix)) return null;
    const path = new URL(url);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> & { weightsManifest: WeightsGroup[] };
        const buffers: ArrayBuffer[] = [];
        const specs: unknown[] = [];
        for (const group of json.weightsManifest) {
          for (const file of group.paths) {
            const bytes = await readFile(new URL(file, path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          signature: json.signature,
          userDefinedMetadata: json.userDefinedMetadata,
          modelInitializer: json.modelInitializer,
          weightSpecs: specs,
          weightData: tf.io.concatenateArrayBuffers(buffers),
        };
      },
    };
  });
}

async function loadHuman(landmarks: boolean, minConfidence: number, maxFaces: number): Promise<Loaded> {
  const paths = packagePaths();
  const require = createRequire(import.meta.url);
  const mod = require(paths.build) as { Human?: HumanCtor; default?: HumanCtor };
  const Human = mod.Human ?? mod.default;
  if (!Human) throw new Error(`${paths.build} exports no Human class`);
  const modelBase = `${pathToFileURL(paths.models).href}/`;
  const off = { enabled: false };
  const human = new Human({
    backend: 'wasm',
    wasmPath: paths.wasm,
    modelBasePath: modelBase,
    debug: false,
    async: true,
    warmup: 'none',
    // Every sampled frame is analysed afresh: no result caching between frames.
    cacheSensitivity: 0,
    filter: off,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: maxFaces, minConfidence, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: landmarks },
      iris: off,
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
      attention: off,
    },
    body: off,
    hand: off,
    object: off,
    gesture: off,
    segmentation: off,
  });
  routeModels(human.tf, modelBase);
  await human.load();
  await human.tf.ready();
  return { human, landmarks };
}

/** Mouth opening (inner lips, FaceMesh points 13 and 14) relative to the face box height. */
function mouthOpening(face: HumanFace): number | undefined {
  const upper = face.mesh?.[13];
  const lower = face.mesh?.[14];
  if (!upper || !lower || face.box[3] <= 0) return undefined;
  return Math.hypot(lower[0] - upper[0], lower[1] - upper[1]) / face.box[3];
}

/**
 * A face detector (Human BlazeFace, FaceMesh landmarks for the mouth) on the WASM backend. The
 * model loads on the first `detect` and stays loaded for the process.
 */
export function createFaceDetector(options: FaceDetectorOptions = {}): SubjectDetector {
  const landmarks = options.landmarks ?? true;
  const minConfidence = options.minConfidence ?? 0.5;
  const maxFaces = options.maxFaces ?? 6;
  const key = `${landmarks}:${minConfidence}:${maxFaces}`;
  const model = (): Promise<Loaded> => {
    let hit = loaded.get(key);
    if (!hit) {
      hit = loadHuman(landmarks, minConfidence, maxFaces);
      hit.catch(() => loaded.delete(key));
      loaded.set(key, hit);
    }
    return hit;
  };
  return {
    id: landmarks ? 'face:human-blazeface-mesh' : 'face:human-blazeface',
    async detect(frame) {
      const { human } = await model();
      const run = queue.then(async () => {
        const input = human.tf.tensor4d(frame.rgb, [1, frame.height, frame.width, 3], 'int32');
        try {
          return await human.detect(input);
        } finally {
          input.dispose();
        }
      });
      queue = run.catch(() => undefined);
      const result = await run;
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      const boxes: SubjectBox[] = [];
      for (const face of result.face) {
        const [x, y, w, h] = face.box;
        const score = face.boxScore ?? face.score;
        if (score < minConfidence || w <= 0 || h <= 0) continue;
        const box: SubjectBox = { x: x / frame.width, y: y / frame.height, w: w / frame.width, h: h / frame.height, score };
        const mouth = landmarks ? mouthOpening(face) : undefined;
        if (mouth !== undefined) box.mouth = mouth;
        boxes.push(box);
      }
      return boxes;
    },
    async close() {
      // The model is shared by the process; nothing per detector to release.
    },
  };
}
