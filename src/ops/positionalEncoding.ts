/**
 * positionalEncoding (notes, parts 2c and 2d): natural numbers, natural numbers
 * normalised by the largest, and the sinusoid, against TF.js compositions of
 * tf.range, tf.div, tf.pow, tf.sin and tf.cos.
 *
 * Bounds: natural, exact (0); normalised, one division (u); sinusoid: the
 * exponent -2i/d is rounded (u), so w = 10000^x is off by ln(10000)|x| u plus the
 * pow's own C_FN u, the angle pos * w by one more rounding; sin and cos add the
 * angle's error (slope <= 1) and their own C_FN u:
 *   |err| <= angle (ln(10000)|x| + C_FN + 2) u + C_FN u.
 */
import { BROWSER_BACKENDS } from '../tfjs/backendIds';
import { POSITIONAL_KINDS, PositionalEncodingKind, positionalEncoding } from '../../reference/PositionalEncoding';
import { underflowLoss, unitRoundoff } from '../bounds/errorModel';
import { C_FN } from '../bounds/errorModel';
import type { Tf } from '../tfjs/tf';
import { Rng, hashSeed } from '../util/random';
import { OpCase, OpSpec, uniqueIds } from './types';

export interface PositionalParams {
  n: number;
  d: number;
  kind: PositionalEncodingKind;
}

/** The TF.js composition. */
export function positionalTf(tf: Tf, { n, d, kind }: PositionalParams) {
  const pos = tf.reshape(tf.range(0, n, 1, 'float32'), [n, 1]);
  if (kind === 'natural') return tf.mul(tf.add(pos, 1), tf.ones([1, d]));
  if (kind === 'normalized') return tf.mul(tf.div(tf.add(pos, 1), n), tf.ones([1, d]));
  const w = tf.pow(tf.scalar(10000), tf.neg(tf.div(tf.range(0, d, 2, 'float32'), d)));
  const angle = tf.mul(pos, tf.reshape(w, [1, d / 2]));
  return tf.reshape(tf.stack([tf.sin(angle), tf.cos(angle)], 2), [n, d]);
}

function bound(p: PositionalParams, value: Float64Array): Float64Array {
  const U = unitRoundoff();
  const ETA32 = underflowLoss();
  if (p.kind === 'natural') return new Float64Array(value.length);
  if (p.kind === 'normalized') return value.map((v) => U * Math.abs(v) + ETA32);
  const out = new Float64Array(value.length);
  for (let pos = 0; pos < p.n; pos++) {
    for (let i = 0; i < p.d; i++) {
      const x = (2 * Math.floor(i / 2)) / p.d;
      const angle = pos * Math.pow(10000, -x);
      out[pos * p.d + i] = angle * (Math.log(10000) * x + C_FN + 2) * U + C_FN * U + ETA32;
    }
  }
  return out;
}

function caseOf(p: PositionalParams): OpCase<PositionalParams> {
  return { id: `n=${p.n} d=${p.d} kind=${p.kind}`, params: p, inputs: {}, exact: p.kind === 'natural', gradients: false };
}

export const positionalEncodingSpec: OpSpec<PositionalParams> = {
  id: 'positionalEncoding',
  inputs: [],
  kernels: ['Range', 'Multiply', 'Sin', 'Cos', 'Pow', 'RealDiv'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'positionalEncoding/grid'));
    const out: OpCase<PositionalParams>[] = [];
    for (const kind of POSITIONAL_KINDS) {
      out.push(caseOf({ n: 1, d: 2, kind }), caseOf({ n: 512, d: 64, kind }), caseOf({ n: 512, d: 2, kind }));
      for (let i = 0; i < 35; i++) {
        const n = rng.int(1, 128);
        const d = kind === 'sinusoidal' ? 2 * rng.int(1, 32) : rng.int(1, 64);
        out.push(caseOf({ n, d, kind }));
      }
    }
    return uniqueIds(out);
  },

  reference(c) {
    const value = positionalEncoding(c.params.n, c.params.d, c.params.kind);
    return { value, bound: bound(c.params, value.data) };
  },

  value: (c) => positionalEncoding(c.params.n, c.params.d, c.params.kind),

  grads: [],
  fingerprints: [],

  tfjs: (tf, _inputs, p) => positionalTf(tf, p),

  arbitrary: (fc) =>
    fc
      .record({ n: fc.integer({ min: 1, max: 512 }), half: fc.integer({ min: 1, max: 32 }), kind: fc.constantFrom<PositionalEncodingKind>(...POSITIONAL_KINDS) })
      .map((r) => caseOf({ n: r.n, d: 2 * r.half, kind: r.kind })),

  benchCases: (size) => [({ small: [64, 32], medium: [512, 64], large: [2048, 128] } as const)[size]].map(([n, d]) => caseOf({ n, d, kind: 'sinusoidal' })),

  flops: (c) => c.params.n * c.params.d * (c.params.kind === 'sinusoidal' ? 20 : 2),

  errorInputs: [
    {
      name: 'sequence length 0',
      reference: () => positionalEncoding(0, 4, 'sinusoidal'),
      tfjs: (tf) => positionalTf(tf, { n: 0, d: 4, kind: 'sinusoidal' }),
      message: /Error in positionalEncoding: the sequence length n must be a positive integer, got 0/,
    },
    {
      name: 'odd width 5 for the sinusoid',
      reference: () => positionalEncoding(4, 5, 'sinusoidal'),
      tfjs: (tf) => positionalTf(tf, { n: 4, d: 5, kind: 'sinusoidal' }),
      message: /Error in positionalEncoding: a sinusoidal encoding needs an even width d, got 5/,
    },
    {
      name: "unknown kind 'learned'",
      reference: () => positionalEncoding(4, 4, 'learned' as never),
      tfjs: (tf) => positionalTf(tf, { n: 4, d: 4, kind: 'learned' as never }),
      message: /Error in positionalEncoding: kind must be one of natural, normalized, sinusoidal, got "learned"/,
    },
  ],

  known: BROWSER_BACKENDS.map((backend) => ({
    check: 'forward',
    backend,
    kind: 'bug' as const,
    when: (c: OpCase<PositionalParams>) => c.params.kind === 'sinusoidal',
    readme: 19,
    note: 'webgl and webgpu compute the sinusoidal encoding (tf.pow, tf.sin, tf.cos) with errors up to 1.8e-4 where the bound allows about 1e-6 (4u per transcendental call); cpu, wasm and tensorflow are within it',
  })),
};
