/**
 * The suite's one TensorFlow.js namespace. Importing tfjs-node registers the
 * native `tensorflow` backend (and, through @tensorflow/tfjs, `cpu`); the wasm
 * package registers `wasm` on the same tfjs-core instance.
 */
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL ?? '2';

/**
 * The native thread pools as libtensorflow reads them when it loads
 * (TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS; unset = TensorFlow's
 * defaults). Changing the variables after this module loads has no effect.
 */
export const nativeThreadsAtLoad = {
  intraOp: process.env.TF_NUM_INTRAOP_THREADS,
  interOp: process.env.TF_NUM_INTEROP_THREADS,
};

import * as tf from '@tensorflow/tfjs-node';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tf = typeof tf;
