/**
 * What `crosscheck model` records and writes (DESIGN.md, "model/"): one
 * record per recorded kernel call whose result is judged, in the record shape
 * of `check` with the model, the layer and the call; per backend, a per-layer
 * table and the end-to-end difference. No TensorFlow.js here: the CLI parent,
 * `compare` and `report` use these without loading a backend.
 */
import type { EnvBlock } from '../tfjs/backends';
import type { KernelOverride } from '../tfjs/overrides';
import type { ResultRecord } from '../check/results';

export const MODEL_SCHEMA = 'tfjs-crosscheck/model@1';

/** A tensor as recorded: float32 or int32 values, row-major. */
export interface RecordedTensor {
  shape: number[];
  dtype: string;
  data: Float32Array | Int32Array | Uint8Array;
}

/** One kernel call as the engine ran it on the backend under test. */
export interface KernelCall {
  /** Position in the run (0-based, in execution order). */
  index: number;
  /** The layer (LayersModel) or graph node (GraphModel) the call belongs to; '(model)' outside any. */
  layer: string;
  kernel: string;
  attrs: Record<string, unknown>;
  /** Inputs by TF.js's input name; null for an absent optional input. */
  inputs: Record<string, RecordedTensor | null>;
  outputs: RecordedTensor[];
  /** 'forward' for inference and a training step's forward, 'backward' for a gradient's kernels. */
  phase: 'forward' | 'backward';
}

/**
 * How a call was judged: `bound` — against the reference on the call's own
 * inputs, with the derived bound (status pass/fail/xfail); `differential` — the
 * kernel has no reference: replayed alone on cpu with the same inputs, the
 * difference reported without a bound (status always `pass`, errToBound 0);
 * `skipped` — not judged (e.g. an int32/bool bookkeeping kernel).
 */
export type Judged = 'bound' | 'differential';

/**
 * One judged kernel call. `op` is the kernel name, `check` is `forward` or
 * `backward`, `case` is `<model> #<index> <layer>` (unique within a run, stable
 * across runs of the same model, seed and input), `replay` reruns that one call.
 */
export interface ModelRecord extends ResultRecord {
  model: string;
  layer: string;
  callIndex: number;
  kernel: string;
  attrs: Record<string, unknown>;
  judged: Judged;
  /** Shapes of the inputs, by name. */
  inputShapes: Record<string, number[] | null>;
  /** The op spec whose bound was used (`conv2d`, `maxPool` ...), for `bound` records. */
  spec?: string;
  /** Where the call's inputs were written (a replay file), when they were. */
  replayFile?: string;
}

/** One layer (or graph node) of a backend's run. */
export interface LayerRow {
  layer: string;
  /** The layer's class (`Conv2D`, `Dense`, ...) or the node's op (`_FusedConv2D`, ...). */
  kind: string;
  phase: 'forward' | 'backward';
  /** Kernel calls of the layer (judged or not). */
  calls: number;
  /** Largest err/bound over its `bound` calls (0 without any); Infinity for a special-value mismatch. */
  ownErrToBound: number;
  /** The own absolute error at that call's worst element, and its bound there. */
  ownMaxAbsErr: number;
  ownBound: number;
  /** Largest |backend - cpu replay| over its `differential` calls. */
  differentialMaxAbs: number;
  /**
   * Inherited, end-to-end: the layer's output on this backend against the same
   * layer's output in the run on the `reference` backend (float64 kernels),
   * max |difference| and the max relative difference max|d| / max|ref|.
   * Undefined for backward rows (no per-layer output) and for layers whose output
   * is not a float tensor.
   */
  inheritedMaxAbs?: number;
  inheritedRel?: number;
  /** Worst status of its calls. */
  status: ResultRecord['status'];
  /** Known discrepancies (README numbers) its xfail calls matched. */
  known?: number[];
}

/** The first call that broke its bound: what a user fixes first. */
export interface FirstBreak {
  callIndex: number;
  layer: string;
  kernel: string;
  phase: 'forward' | 'backward';
  attrs: Record<string, unknown>;
  errToBound: number;
  worst?: ResultRecord['worst'];
  /** The call's inputs, attributes and expected output, written for the replay. */
  replayFile?: string;
  replay: string;
}

/** One backend's run of the model. */
export interface ModelBackendRun {
  backend: string;
  seconds: number;
  /** Kernel calls recorded (forward and, with --train, backward). */
  calls: number;
  /** Kernel name -> calls, split by how they were judged. */
  kernels: Record<string, { calls: number; judged: Judged | 'skipped' }>;
  layers: LayerRow[];
  firstBreak?: FirstBreak;
  /** The model's output on this backend against its output on `reference`. */
  endToEnd: { maxAbsErr: number; maxRelErr: number; elements: number };
  /** --train: the gradients (of the weights; of the input for a GraphModel) against the reference run's. */
  gradients?: { maxAbsErr: number; maxRelErr: number; elements: number };
  /** The output with recording equals the output without, bit for bit (the recording changes nothing). */
  recordingIdentical: boolean;
  /** Browser backends: the browser, GPU and TF.js flags of the page (as `check` records them). */
  browser?: Record<string, unknown>;
  /** Set when the backend lacks a kernel the run needs (e.g. a gradient's, with --train); the calls made up to there are judged. */
  unsupported?: string;
  /** Set when the backend could not run the model at all. */
  error?: string;
}

/** The file `crosscheck model --json FILE` writes. */
export interface ModelFile {
  schema: typeof MODEL_SCHEMA;
  kind: 'model';
  env?: EnvBlock;
  args: { model: string; backends: string[]; seed: number; input: string | null; train: boolean };
  model: {
    /** The built-in id or the model.json path as given. */
    id: string;
    format: 'layers-model' | 'graph-model';
    inputShape: number[];
    outputShape: number[];
    layers: number;
  };
  overrides?: KernelOverride[];
  runs: ModelBackendRun[];
  results: ModelRecord[];
}
