/**
 * The TF.js call one bench entry times, written once for the Node contenders
 * (src/bench/bench.ts) and the browser page (src/bench/page.ts). Type-only
 * imports: the page bundle takes this file without TF.js for Node.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import type { AnyOpSpec } from '../ops/types';
import type { Tf } from '../tfjs/tf';

/**
 * The forward of `spec` (no `input`), or its gradient for `input`: the backward
 * kernel alone where the spec names it, else tf.grad of the forward. `xs` are
 * the spec's inputs in order, then the upstream gradient dy for a gradient.
 */
export function entryCall(tf: Tf, spec: AnyOpSpec, params: unknown, input?: string): (xs: readonly Tensor[]) => Tensor {
  if (input === undefined) return (xs) => spec.tfjs(tf, xs as Tensor[], params);
  const g = spec.grads.find((x) => x.input === input);
  if (!g) throw new Error(`${spec.id} has no gradient for '${input}'; it has: ${spec.grads.map((x) => x.input).join(', ')}`);
  const at = spec.inputs.indexOf(input);
  return (xs) => {
    const ins = xs.slice(0, -1);
    const dy = xs[xs.length - 1];
    if (g.kernel) return g.kernel(tf, ins, dy, params);
    return tf.grad((xi: Tensor) => spec.tfjs(tf, ins.map((t, j) => (j === at ? xi : t)), params))(ins[at], dy);
  };
}

/** The TF.js kernels that call needs: the backward's alone where the spec names its kernel, else the forward's too. */
export function entryKernels(spec: AnyOpSpec, input?: string): readonly string[] {
  if (input === undefined) return spec.kernels;
  const g = spec.grads.find((x) => x.input === input)!;
  return g.kernel ? g.kernels : [...spec.kernels, ...g.kernels];
}
