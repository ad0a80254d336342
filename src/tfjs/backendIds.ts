/** The backend ids, without loading TensorFlow.js (the CLI parses flags before any backend starts). */
import { parseList } from '../util/usage';

/** Backends that run in Node, in a worker process each: the default backends of `crosscheck check` and `bench`. */
export const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

/**
 * The float64 reference registered as a TF.js backend (src/tfjs/referenceBackend.ts).
 * `check --backends reference` runs every op's TF.js call on it: a check of the
 * backend's mapping of kernel attributes onto the reference (and of TF.js's
 * op-level code around the kernels), not of a third implementation.
 */
export const REFERENCE_BACKEND = 'reference' as const;
export type NodeBackendId = (typeof BACKENDS)[number] | typeof REFERENCE_BACKEND;

/**
 * Backends that run in headless Chromium, one browser per backend: a TF.js
 * backend and the TF.js flags it runs with (its variant). Every variant turns
 * CPU forwarding off, so that the GPU kernel is what computes each result.
 */
export const BROWSER_VARIANTS = {
  webgl: { tfBackend: 'webgl', flags: { WEBGL_CPU_FORWARD: false }, about: 'WebGL 2 with TF.js defaults (packed kernels, float32 textures)' },
  'webgl-f16': { tfBackend: 'webgl', flags: { WEBGL_CPU_FORWARD: false, WEBGL_FORCE_F16_TEXTURES: true }, about: 'WEBGL_FORCE_F16_TEXTURES=true: every texture stores float16, as on devices without float32 render targets (many phones); bounds derived for float16 storage' },
  'webgl-unpacked': { tfBackend: 'webgl', flags: { WEBGL_CPU_FORWARD: false, WEBGL_PACK: false }, about: 'WEBGL_PACK=false: the unpacked kernels' },
  'webgl-noim2col': { tfBackend: 'webgl', flags: { WEBGL_CPU_FORWARD: false, WEBGL_CONV_IM2COL: false }, about: 'WEBGL_CONV_IM2COL=false: convolution without im2col' },
  webgpu: { tfBackend: 'webgpu', flags: { WEBGPU_CPU_FORWARD: false }, about: 'WebGPU with TF.js defaults' },
} as const;
export type BrowserBackendId = keyof typeof BROWSER_VARIANTS;
export const BROWSER_BACKENDS = Object.keys(BROWSER_VARIANTS) as BrowserBackendId[];

export type BackendId = NodeBackendId | BrowserBackendId;
export const ALL_BACKENDS: readonly BackendId[] = [...BACKENDS, ...BROWSER_BACKENDS, REFERENCE_BACKEND];

export function isBrowserBackend(id: string): id is BrowserBackendId {
  return id in BROWSER_VARIANTS;
}

export function parseBackends(list: string): BackendId[] {
  return parseList('--backends', 'backend', list, ALL_BACKENDS);
}

/** What `crosscheck bench` times: the Node backends, the browser backends (timed in their page) and the float64 reference. */
export type Contender = BackendId | 'reference';
export const CONTENDERS: readonly Contender[] = [...BACKENDS, ...BROWSER_BACKENDS, 'reference'];
