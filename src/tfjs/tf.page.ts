/**
 * The page's stand-in for src/tfjs/tf.ts (scripts/bundle.js resolves `../tfjs/tf`
 * to this file in the browser bundle): the same `tf` name, bound to
 * @tensorflow/tfjs with the page's webgl and webgpu backends instead of
 * tfjs-node, so that code shared with Node (the built-in models' custom layers,
 * src/model/builtins.ts) registers with the page's own TF.js.
 */
import * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './tf';

export const tf = tfjs as unknown as Tf;
export type { Tf };
