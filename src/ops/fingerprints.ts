/**
 * Behavioural fingerprints: what each backend does where the notes leave a
 * convention open (ties, NaN) or where TF.js accepts more than the notes
 * (explicit padding, dilations). Found by probing, never written down by hand.
 */
import type { Tensor } from '@tensorflow/tfjs-node';
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { maxPool } from '../../reference/MaxPool';
import { Tensor64, tensor } from '../../reference/tensor';
import { FLOAT32_MAX } from '../bounds/gamma';
import { UNSUPPORTED } from '../tfjs/support';
import type { Tf } from '../tfjs/tf';
import type { Fingerprint } from './types';

export function fmtValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === -FLOAT32_MAX) return '-FLT_MAX';
  if (v === FLOAT32_MAX) return 'FLT_MAX';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Runs `f` and reads the result back, or says how it threw. */
function read(tf: Tf, f: () => Tensor): Float32Array | string {
  try {
    let data: Float32Array | undefined;
    tf.tidy(() => {
      data = f().dataSync() as Float32Array;
    });
    return data!;
  } catch (e) {
    // the message's first sentence, without TF.js's "Error in <op>: " prefix
    const m = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^Error in [^:]+: /, '').split(/\.( |$)/)[0];
    return UNSUPPORTED.test(m) ? `unsupported: ${m}` : `throws: ${m}`;
  }
}

/** 'correct' when the backend matches the reference exactly (integer inputs). */
function verdict(got: Float32Array | string, want: Tensor64): string {
  if (typeof got === 'string') return got;
  if (got.length !== want.data.length) return `wrong (${got.length} values, expected ${want.data.length})`;
  return got.every((v, i) => v === want.data[i]) ? 'correct' : 'wrong';
}

const ints = (n: number) => Array.from({ length: n }, (_, i) => (i % 7) - 3);

export const CONV_FINGERPRINTS: readonly Fingerprint[] = [
  {
    name: 'explicit padding [[0,0],[1,2],[2,1],[0,0]]',
    probe(tf) {
      const x = ints(9);
      const f = [1, 2, 3, 4];
      // reference: pad by hand, then a valid convolution
      const padded = new Float64Array(1 * 6 * 6);
      for (let h = 0; h < 3; h++) for (let w = 0; w < 3; w++) padded[(h + 1) * 6 + (w + 2)] = x[h * 3 + w];
      const want = conv2d(tensor([1, 6, 6, 1], padded), tensor([2, 2, 1, 1], f), 1, 'valid');
      const got = read(tf, () => tf.conv2d(tf.tensor4d(x, [1, 3, 3, 1]), tf.tensor4d(f, [2, 2, 1, 1]), 1, [[0, 0], [1, 2], [2, 1], [0, 0]]));
      return verdict(got, want);
    },
  },
  {
    name: "dilation 2 with 'same' padding",
    probe(tf) {
      const x = ints(25);
      const f = ints(9);
      const want = conv2d(tensor([1, 5, 5, 1], x), tensor([3, 3, 1, 1], f), 1, 'same', 2);
      return verdict(read(tf, () => tf.conv2d(tf.tensor4d(x, [1, 5, 5, 1]), tf.tensor4d(f, [3, 3, 1, 1]), 1, 'same', 'NHWC', 2)), want);
    },
  },
  {
    name: 'stride 2 with dilation 2',
    probe(tf) {
      const x = ints(25);
      const f = ints(4);
      const want = conv2d(tensor([1, 5, 5, 1], x), tensor([2, 2, 1, 1], f), 2, 'valid', 2);
      return verdict(read(tf, () => tf.conv2d(tf.tensor4d(x, [1, 5, 5, 1]), tf.tensor4d(f, [2, 2, 1, 1]), 2, 'valid', 'NHWC', 2)), want);
    },
  },
  {
    name: 'gradient with dilation 2',
    probe(tf) {
      const x = ints(25);
      const f = ints(9);
      const dy = ints(9).map((v) => v + 5);
      const want = conv2DBackpropInput([1, 5, 5, 1], tensor([1, 3, 3, 1], dy), tensor([2, 2, 1, 1], f.slice(0, 4)), 1, 'valid', 2);
      const got = read(tf, () => {
        const ft = tf.tensor4d(f.slice(0, 4), [2, 2, 1, 1]);
        return tf.grad((xi: Tensor) => tf.conv2d(xi as never, ft, 1, 'valid', 'NHWC', 2))(tf.tensor4d(x, [1, 5, 5, 1]), tf.tensor4d(dy, [1, 3, 3, 1]));
      });
      return verdict(got, want);
    },
  },
  {
    name: "'same' with stride > filter (negative total padding)",
    probe(tf) {
      const want = conv2d(tensor([1, 1, 3, 1], [1, 2, 3]), tensor([1, 2, 1, 1], [1, 2]), [1, 3], 'same');
      return verdict(read(tf, () => tf.conv2d(tf.tensor4d([1, 2, 3], [1, 1, 3, 1]), tf.tensor4d([1, 2], [1, 2, 1, 1]), [1, 3], 'same')), want);
    },
  },
];

/** Which cells of a constant 2x2 window receive the gradient of a 2x2/2 max pool. */
function tieVerdict(dx: Float32Array | string): string {
  if (typeof dx === 'string') return dx;
  const d = Array.from(dx);
  if (d.join() === '1,0,0,0') return 'first';
  if (d.join() === '0,0,0,1') return 'last';
  if (d.every((v) => v === 0.25)) return 'split';
  return `other [${d.join(',')}]`;
}

function pooled(tf: Tf, x: number[]): string {
  const got = read(tf, () => tf.maxPool(tf.tensor4d(x, [1, 2, 2, 1]), 2, 2, 'valid'));
  return typeof got === 'string' ? got : fmtValue(got[0]);
}

/** Which cell of a 2x2 window receives the gradient of a 2x2/2 max pool: its index in the window, or 'none'. */
function gradientCell(tf: Tf, x: number[]): string {
  const dx = read(tf, () => tf.grad((v: Tensor) => tf.maxPool(v as never, 2, 2, 'valid'))(tf.tensor4d(x, [1, 2, 2, 1]), tf.tensor4d([1], [1, 1, 1, 1])));
  if (typeof dx === 'string') return dx;
  const hit = Array.from(dx).map((v, i) => (v !== 0 ? `cell ${i}${Number.isNaN(x[i]) ? ' (NaN)' : ''}` : '')).filter(Boolean);
  return hit.length === 0 ? 'none' : hit.join(', ');
}

export const MAXPOOL_FINGERPRINTS: readonly Fingerprint[] = [
  {
    name: 'gradient on ties (constant 2x2 window)',
    probe: (tf) => tieVerdict(read(tf, () => tf.grad((x: Tensor) => tf.maxPool(x as never, 2, 2, 'valid'))(tf.tensor4d([1, 1, 1, 1], [1, 2, 2, 1]), tf.tensor4d([1], [1, 1, 1, 1])))),
  },
  {
    name: 'gradient on ties, overlapping 2x2/1 windows over a constant 3x3',
    probe(tf) {
      const dx = read(tf, () => tf.grad((x: Tensor) => tf.maxPool(x as never, 2, 1, 'valid'))(tf.ones([1, 3, 3, 1]), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])));
      if (typeof dx === 'string') return dx;
      const d = Array.from(dx).join(',');
      return d === '1,2,0,3,4,0,0,0,0' ? 'first of each window' : d === '0,0,0,0,1,2,0,3,4' ? 'last of each window' : `other [${d}]`;
    },
  },
  {
    name: "TF.js's maxPool test: [[1,2,3],[4,5,6],[7,NaN,9]], 2x2/1 (TF.js: 5,6,7,9)",
    probe(tf) {
      const got = read(tf, () => tf.maxPool(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, NaN, 9], [3, 3, 1]), 2, 1, 'valid'));
      return typeof got === 'string' ? got : Array.from(got).map(fmtValue).join(',');
    },
  },
  { name: 'window [1, NaN, 3, 2]', probe: (tf) => pooled(tf, [1, NaN, 3, 2]) },
  { name: 'window [NaN, 1, 3, 2]', probe: (tf) => pooled(tf, [NaN, 1, 3, 2]) },
  { name: 'window [1, 3, 2, NaN]', probe: (tf) => pooled(tf, [1, 3, 2, NaN]) },
  { name: 'window of NaNs', probe: (tf) => pooled(tf, [NaN, NaN, NaN, NaN]) },
  { name: 'window of -Inf', probe: (tf) => pooled(tf, [-Infinity, -Infinity, -Infinity, -Infinity]) },
  { name: 'gradient, window [NaN, 1, 3, 2]', probe: (tf) => gradientCell(tf, [NaN, 1, 3, 2]) },
  { name: 'gradient, window [1, NaN, 3, 2]', probe: (tf) => gradientCell(tf, [1, NaN, 3, 2]) },
  { name: 'gradient, window of NaNs', probe: (tf) => gradientCell(tf, [NaN, NaN, NaN, NaN]) },
  { name: 'gradient, window of -Inf', probe: (tf) => gradientCell(tf, [-Infinity, -Infinity, -Infinity, -Infinity]) },
  {
    name: "'ceil' window past the input (3x3, k=3, s=3, pad [[2,2],[1,1]]: 3x2, last row empty)",
    probe(tf) {
      const x = ints(9);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [2, 2], [1, 1], [0, 0]];
      const want = maxPool(tensor([1, 3, 3, 1], x), 3, 3, pad, 'ceil');
      return verdict(read(tf, () => tf.maxPool(tf.tensor4d(x, [1, 3, 3, 1]), 3, 3, pad, 'ceil')), want);
    },
  },
  {
    name: "'same' padding, 3x3/2 over 4x4",
    probe(tf) {
      const x = ints(16);
      const want = maxPool(tensor([1, 4, 4, 1], x), 3, 2, 'same');
      return verdict(read(tf, () => tf.maxPool(tf.tensor4d(x, [1, 4, 4, 1]), 3, 2, 'same')), want);
    },
  },
];

export const AVGPOOL_FINGERPRINTS: readonly Fingerprint[] = [
  {
    name: "'same' padding divides by",
    probe(tf) {
      // 2x2 window, stride 1, 'same' over a 2x2 input: the last row/column of windows holds padding.
      const got = read(tf, () => tf.avgPool(tf.tensor4d([4, 8, 12, 16], [1, 2, 2, 1]), 2, 1, 'same'));
      if (typeof got === 'string') return got;
      if (got[3] === 16) return 'real cells';
      if (got[3] === 4) return 'full window';
      return `other (${Array.from(got).join(',')})`;
    },
  },
  {
    name: 'window [1, NaN, 3, 2]',
    probe(tf) {
      const got = read(tf, () => tf.avgPool(tf.tensor4d([1, NaN, 3, 2], [1, 2, 2, 1]), 2, 2, 'valid'));
      return typeof got === 'string' ? got : fmtValue(got[0]);
    },
  },
];
