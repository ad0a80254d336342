/**
 * The suite's one TensorFlow.js namespace. Importing tfjs-node registers the
 * native `tensorflow` backend (and, through @tensorflow/tfjs, `cpu`); the wasm
 * package registers `wasm` on the same tfjs-core instance.
 */
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL ?? '2';

import * as tf from '@tensorflow/tfjs-node';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tf = typeof tf;
