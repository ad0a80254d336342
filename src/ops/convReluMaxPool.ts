/**
 * convReluMaxPool: the notes' "max over (I * G)" end to end, against the TF.js
 * composition sum(w * maxPool(relu(conv2d(x, filter)))), with gradients with
 * respect to the image and the filter.
 *
 * Bound propagation (e_c: the conv2d bound of src/bounds/gamma.ts, element-wise):
 * relu and max are 1-Lipschitz, so each pooled value is off by at most the
 * largest e_c of its window, e_p = maxPool(e_c); the weighted sum of M terms adds
 * gamma_M * sum |w| (|p| + e_p), so |dL| <= gamma_M sum |w|(|p| + e_p) + sum |w| e_p.
 *
 * Gradients are well defined only where float32 cannot change which cell wins a
 * window or whether relu is active: the case generator redraws the values until
 * each window's winner beats every other cell by more than their two bounds and is
 * itself positive beyond its bound (or every cell is negative beyond its bound).
 * Then dL/dconv = mask * maxPoolGrad(dL * w) is the same on every backend up to
 * the rounding of dL * w and of the window sums (gamma_{J+1}, J windows per cell),
 * and the conv2d backward adds its own gamma_K: the bound is
 * (gamma_K + gamma_{J+1} + gamma_K gamma_{J+1}) * conv2DBackprop*(|dL w| routed, |.|).
 */
import { BROWSER_BACKENDS } from '../tfjs/backendIds';
import { conv2d } from '../../reference/Conv2D';
import { conv2DBackpropFilter } from '../../reference/Conv2DBackpropFilter';
import { conv2DBackpropInput } from '../../reference/Conv2DBackpropInput';
import { ConvReluMaxPoolParams, convReluMaxPool, convReluMaxPoolGrad, convReluMaxPoolUpstream } from '../../reference/ConvReluMaxPool';
import { maxPool, maxPoolArgmax } from '../../reference/MaxPool';
import { pool2dInfo } from '../../reference/pool';
import { Tensor64, abs, sizeOf, tensor } from '../../reference/tensor';
import { convOutputSize } from '../../reference/window';
import { U64, dotBound, gamma, storage, storedGamma } from '../bounds/gamma';
import { Rng, hashSeed } from '../util/random';
import { CONV2D_BUGS, Conv2DParams, NATIVE_FILTER_GRAD_CRASH, NATIVE_INPUT_GRAD_BUG } from './conv2d';
import { overlap } from './poolCases';
import { OpCase, OpSpec, fmtShape, uniqueIds, withNonFinite } from './types';

interface Config extends ConvReluMaxPoolParams {
  x: [number, number, number, number];
  f: [number, number, number, number];
}

const GRID = 130;

/** Corners: the classes of the Conv2D discrepancies, reached through the pipeline. */
const EDGE: Config[] = [
  { x: [2, 4, 3, 1], f: [2, 3, 1, 1], strides: [1, 2], pad: 'valid', poolSize: [1, 1], poolStrides: [2, 1], poolPad: 'same' }, // native, one output column
  { x: [1, 3, 7, 2], f: [2, 2, 2, 3], strides: [1, 3], pad: 'same', poolSize: [2, 2], poolStrides: [1, 1], poolPad: 'same' }, // wasm, negative 'same' padding
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: [2, 2], pad: 'same', poolSize: [3, 3], poolStrides: [2, 2], poolPad: 'valid' },
];
const MAX_DRAWS = 30;

function gridConfig(rng: Rng): Config {
  for (;;) {
    const x: Config['x'] = [rng.int(1, 2), rng.int(2, 9), rng.int(2, 9), rng.int(1, 3)];
    const pad = rng.pick<'valid' | 'same'>(['valid', 'same']);
    const f: Config['f'] = [rng.int(1, Math.min(3, x[1])), rng.int(1, Math.min(3, x[2])), x[3], rng.int(1, 4)];
    const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
    const outH = convOutputSize(x[1], f[0], strides[0], pad);
    const outW = convOutputSize(x[2], f[1], strides[1], pad);
    const poolPad = rng.pick<'valid' | 'same'>(['valid', 'same']);
    const poolSize: [number, number] = [rng.int(1, Math.min(3, outH)), rng.int(1, Math.min(3, outW))];
    const poolStrides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    if (outH > 0 && outW > 0) return { x, f, strides, pad, poolSize, poolStrides, poolPad };
  }
}

/** The conv2d bound e_c of a case (0 for exact cases). */
function convBound(x: Tensor64, filter: Tensor64, p: ConvReluMaxPoolParams, exact: boolean): Float64Array {
  const mag = conv2d(abs(x), abs(filter), p.strides, p.pad).data;
  return dotBound(mag, filter.shape[0] * filter.shape[1] * filter.shape[2], exact);
}

/**
 * True when float32 rounding cannot change any window's winner or the relu mask
 * at a winner: see the header.
 */
export function gradientWellDefined(x: Tensor64, filter: Tensor64, w: Tensor64, p: ConvReluMaxPoolParams, exact: boolean): boolean {
  const fwd = convReluMaxPool(x, filter, w, p);
  const e = convBound(x, filter, p, exact);
  const c = fwd.conv.data;
  const g = pool2dInfo('convReluMaxPool', fwd.relu, p.poolSize, p.poolStrides, p.poolPad);
  const arg = maxPoolArgmax(fwd.relu, g);
  let ok = true;
  // every real cell b of each window o, against the window's winner a
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const oBase = ((n * g.outH + oh) * g.outW + ow) * g.channels;
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.sH + kh * g.dH - g.padTop;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.sW + kw * g.dW - g.padLeft;
            if (iw < 0 || iw >= g.inW) continue;
            const bBase = ((n * g.inH + ih) * g.inW + iw) * g.channels;
            for (let ch = 0; ch < g.channels; ch++) {
              const a = arg[oBase + ch];
              const b = bBase + ch;
              const winnerPositive = c[a] - e[a] > 0;
              if (winnerPositive ? b !== a && c[b] + e[b] >= c[a] - e[a] : c[b] + e[b] >= 0) ok = false;
            }
          }
        }
      }
    }
  }
  return ok;
}

/** True when the pool is a 1x1 window whose output has the shape of its input (cpu MaxPool then returns its input, #28). */
function poolIsIdentity(c: OpCase<ConvReluMaxPoolParams>): boolean {
  const p = c.params;
  const [, inH, inW] = c.inputs.x.shape;
  const [kH, kW] = c.inputs.filter.shape;
  const convH = convOutputSize(inH, kH, p.strides[0], p.pad);
  const convW = convOutputSize(inW, kW, p.strides[1], p.pad);
  const [outH, outW] = [convOutputSize(convH, 1, p.poolStrides[0], p.poolPad), convOutputSize(convW, 1, p.poolStrides[1], p.poolPad)];
  return p.poolSize[0] === 1 && p.poolSize[1] === 1 && outH === convH && outW === convW;
}

/** The conv2d part of the pipeline's parameters. */
function convParams(c: OpCase<ConvReluMaxPoolParams>): Conv2DParams {
  return { strides: c.params.strides, pad: c.params.pad, dilations: [1, 1] };
}

function caseOf(cfg: Config, kind: 'rand' | 'exact', seed: number): OpCase<ConvReluMaxPoolParams> {
  const id = `x=${fmtShape(cfg.x)} f=${fmtShape(cfg.f)} s=${fmtShape(cfg.strides)} p=${cfg.pad} pool=${fmtShape(cfg.poolSize)}/${fmtShape(cfg.poolStrides)}/${cfg.poolPad} v=${kind}`;
  const { x: xs, f: fs, ...params } = cfg;
  const convH = convOutputSize(xs[1], fs[0], cfg.strides[0], cfg.pad);
  const convW = convOutputSize(xs[2], fs[1], cfg.strides[1], cfg.pad);
  const outShape = [xs[0], convOutputSize(convH, cfg.poolSize[0], cfg.poolStrides[0], cfg.poolPad), convOutputSize(convW, cfg.poolSize[1], cfg.poolStrides[1], cfg.poolPad), fs[3]];
  const exact = kind === 'exact';
  let inputs: Record<string, Tensor64> = {};
  let gradients = false;
  for (let draw = 0; draw < MAX_DRAWS && !gradients; draw++) {
    const rng = new Rng(hashSeed(seed, `${id} draw ${draw}`));
    const x = tensor(xs, exact ? rng.integers(sizeOf(xs), -3, 3) : rng.uniform(sizeOf(xs)));
    const filter = tensor(fs, exact ? rng.integers(sizeOf(fs), -2, 2) : rng.uniform(sizeOf(fs)));
    const w = tensor(outShape, exact ? rng.integers(sizeOf(outShape), -3, 3) : rng.uniform(sizeOf(outShape)));
    inputs = { x, filter, w };
    gradients = gradientWellDefined(x, filter, w, params, exact);
  }
  return { id, params, inputs, exact, gradients };
}

/** The bound of a gradient of the pipeline (see the header). */
function gradBound(c: OpCase<ConvReluMaxPoolParams>, dy: Tensor64, input: 'x' | 'filter'): Float64Array {
  const { x, filter, w } = c.inputs;
  const p = c.params;
  const fwd = convReluMaxPool(x, filter, w, p);
  const routed = convReluMaxPoolUpstream(fwd, abs(w), Math.abs(dy.data[0]), p);
  const k = input === 'x' ? filter.shape[0] * filter.shape[1] * filter.shape[3] : fwd.conv.shape[0] * fwd.conv.shape[1] * fwd.conv.shape[2];
  // NOTE: dL * w and the window sums are stored (two roundings of storage), and the backprop's result once more.
  const gk = storedGamma(k);
  const gj = storedGamma(overlap({ filterSize: p.poolSize, strides: p.poolStrides }) + 1, 2);
  const g = gk + gj + gk * gj + gamma(k, U64);
  const backprop = (t: Tensor64) => (input === 'x' ? conv2DBackpropInput(x.shape, t, abs(filter), p.strides, p.pad) : conv2DBackpropFilter(abs(x), t, filter.shape, p.strides, p.pad));
  const mag = backprop(routed).data;
  if (c.exact && mag.every((m) => m <= storage().exactIntegers)) return new Float64Array(mag.length);
  // the absolute loss of the two stored intermediates at the cells that carry a gradient, carried through the backprop
  const eta = storage().eta;
  const lost = eta > 0 ? backprop({ shape: routed.shape, data: routed.data.map((r) => (r > 0 ? 2 * eta : 0)) }).data : new Float64Array(mag.length);
  return mag.map((m, i) => g * m + (1 + gk) * lost[i] + eta);
}

export const convReluMaxPoolSpec: OpSpec<ConvReluMaxPoolParams> = {
  id: 'convReluMaxPool',
  inputs: ['x', 'filter', 'w'],
  kernels: ['Conv2D', 'Relu', 'MaxPool', 'Multiply', 'Sum'],
  strictZeroSign: false,

  cases(seed) {
    const rng = new Rng(hashSeed(seed, 'convReluMaxPool/grid'));
    const out: OpCase<ConvReluMaxPoolParams>[] = [];
    for (const cfg of EDGE) out.push(caseOf(cfg, 'rand', seed), caseOf(cfg, 'exact', seed));
    for (let i = 0; i < GRID; i++) {
      const cfg = gridConfig(rng);
      out.push(caseOf(cfg, 'rand', seed));
      if (i % 3 === 0) out.push(caseOf(cfg, 'exact', seed));
    }
    return uniqueIds(withNonFinite(out, 'x', 10));
  },

  reference(c) {
    const { x, filter, w } = c.inputs;
    const fwd = convReluMaxPool(x, filter, w, c.params);
    const ec = convBound(x, filter, c.params, c.exact);
    const ep = maxPool({ shape: fwd.conv.shape, data: ec }, c.params.poolSize, c.params.poolStrides, c.params.poolPad).data;
    const m = w.data.length;
    let weighted = 0;
    let propagated = 0;
    let exactMag = 0;
    for (let o = 0; o < m; o++) {
      weighted += Math.abs(w.data[o]) * (Math.abs(fwd.pooled.data[o]) + ep[o]);
      propagated += Math.abs(w.data[o]) * ep[o];
      exactMag += Math.abs(w.data[o] * fwd.pooled.data[o]);
    }
    // NOTE: the products w * p and their sum are stored: two roundings of storage, and their absolute losses.
    const bound = c.exact && weighted <= storage().exactIntegers ? 0 : storedGamma(m, 2) * weighted + propagated + gamma(m, U64) * exactMag + (m + 1) * storage().eta;
    return { value: fwd.value, bound: Float64Array.of(bound) };
  },

  value: (c) => convReluMaxPool(c.inputs.x, c.inputs.filter, c.inputs.w, c.params).value,

  gradientsDefined: (c) => gradientWellDefined(c.inputs.x, c.inputs.filter, c.inputs.w, c.params, c.exact),

  grads: (['x', 'filter'] as const).map((input) => ({
    input,
    kernels: input === 'x' ? ['Conv2DBackpropInput', 'MaxPoolGrad', 'Step'] : ['Conv2DBackpropFilter', 'MaxPoolGrad', 'Step'],
    reference(c: OpCase<ConvReluMaxPoolParams>, dy: Tensor64) {
      const { x, filter, w } = c.inputs;
      const value = convReluMaxPoolGrad(x, filter, w, dy.data[0], c.params)[input];
      return { value, bound: gradBound(c, dy, input) };
    },
  })),

  fingerprints: [],

  tfjs(tf, [x, filter, w], p) {
    const conv = tf.conv2d(x as never, filter as never, p.strides, p.pad);
    return tf.sum(tf.mul(tf.maxPool(tf.relu(conv), p.poolSize, p.poolStrides, p.poolPad), w));
  },

  arbitrary: (fc) =>
    fc
      .record({
        x: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 3 })),
        k: fc.tuple(fc.nat(), fc.nat()), co: fc.integer({ min: 1, max: 4 }), s: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        pad: fc.constantFrom<'valid' | 'same'>('valid', 'same'), pk: fc.tuple(fc.nat(), fc.nat()), ps: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        poolPad: fc.constantFrom<'valid' | 'same'>('valid', 'same'), exact: fc.boolean(), seed: fc.nat(),
      })
      .map((r) => {
        const kH = 1 + (r.k[0] % Math.min(3, r.x[1]));
        const kW = 1 + (r.k[1] % Math.min(3, r.x[2]));
        const outH = convOutputSize(r.x[1], kH, r.s[0], r.pad);
        const outW = convOutputSize(r.x[2], kW, r.s[1], r.pad);
        const cfg: Config = {
          x: r.x, f: [kH, kW, r.x[3], r.co], strides: r.s, pad: r.pad,
          poolSize: [1 + (r.pk[0] % Math.min(3, outH)), 1 + (r.pk[1] % Math.min(3, outW))], poolStrides: r.ps, poolPad: r.poolPad,
        };
        return caseOf(cfg, r.exact ? 'exact' : 'rand', r.seed);
      }),

  benchCases: (size) =>
    [({ small: [16, 4, 8], medium: [32, 8, 16], large: [64, 16, 32] } as const)[size]].map(([hw, ci, co]) =>
      caseOf({ x: [1, hw, hw, ci], f: [3, 3, ci, co], strides: [1, 1], pad: 'same', poolSize: [2, 2], poolStrides: [2, 2], poolPad: 'valid' }, 'rand', 1),
    ),

  flops(c) {
    const [kH, kW, inC, outC] = c.inputs.filter.shape;
    const p = c.params;
    const [batch, inH, inW] = c.inputs.x.shape;
    const convPixels = batch * convOutputSize(inH, kH, p.strides[0], p.pad) * convOutputSize(inW, kW, p.strides[1], p.pad);
    // conv, relu, and the pool plus the weighted sum over the pooled outputs (w has their shape)
    return 2 * convPixels * outC * kH * kW * inC + convPixels * outC + sizeOf(c.inputs.w.shape) * (p.poolSize[0] * p.poolSize[1] + 2);
  },

  errorInputs: [
    {
      name: 'w of the wrong shape',
      reference: () => convReluMaxPool(tensor([1, 4, 4, 1]), tensor([2, 2, 1, 1]), tensor([1, 3, 3, 1]), { strides: [1, 1], pad: 'valid', poolSize: [2, 2], poolStrides: [1, 1], poolPad: 'valid' }),
      tfjs: (tf) => tf.sum(tf.mul(tf.maxPool(tf.relu(tf.conv2d(tf.ones([1, 4, 4, 1]) as never, tf.ones([2, 2, 1, 1]) as never, 1, 'valid')), 2, 1, 'valid'), tf.ones([1, 3, 3, 1]))),
      message: /Error in convReluMaxPool: w must have the pooled shape \[1,2,2,1\], got \[1,3,3,1\]/,
    },
  ],

  known: [
    // NOTE: first, so that a grad:x case in both classes is credited to the bug this machine shows.
    { ...NATIVE_INPUT_GRAD_BUG, note: `follows from the Conv2DBackpropInput bug: ${NATIVE_INPUT_GRAD_BUG.note}`, when: (c: OpCase<ConvReluMaxPoolParams>) => NATIVE_INPUT_GRAD_BUG.when(c.inputs.x.shape, c.inputs.filter.shape) },
    // NOTE: grad:filter is unsupported on wasm (no Conv2DBackpropFilter kernel).
    ...CONV2D_BUGS.flatMap((bug) =>
      (bug.backend === 'wasm' ? (['forward', 'grad:x'] as const) : (['forward', 'grad:x', 'grad:filter'] as const)).map((check) => ({
        check,
        backend: bug.backend,
        kind: 'bug' as const,
        readme: bug.readme,
        machine: bug.machine,
        note: `follows from the Conv2D bug: ${bug.note}`,
        when: (c: OpCase<ConvReluMaxPoolParams>) => bug.when(c.inputs.x.shape, c.inputs.filter.shape, convParams(c)),
      })),
    ),
    ...BROWSER_BACKENDS.map((backend) => ({
      check: 'forward',
      backend,
      kind: 'bug' as const,
      when: (c: OpCase<ConvReluMaxPoolParams>) => c.id.includes(' nonfinite'),
      readme: 16,
      note: 'follows from the MaxPool bug: webgl MaxPool, and webgpu MaxPool for some window shapes, start a window maximum at -1e20 (a window with no value above -Inf gives -1e20)',
    })),
    {
      check: 'forward',
      backend: 'cpu',
      kind: 'bug',
      when: (c: OpCase<ConvReluMaxPoolParams>) => c.id.includes(' nonfinite') && poolIsIdentity(c),
      readme: 28,
      note: 'follows from the MaxPool bug: cpu MaxPool returns its input unchanged for a 1x1 window whose output shape equals the input shape, so a NaN stays NaN where TF.js\'s pooling rule (and cpu MaxPool otherwise) gives -Inf',
    },
    {
      check: 'forward',
      backend: 'tensorflow',
      kind: 'bug',
      when: (c: OpCase<ConvReluMaxPoolParams>) => convReluMaxPool(c.inputs.x, c.inputs.filter, c.inputs.w, c.params).pooled.data.some((v) => v === -Infinity),
      readme: 7,
      note: 'follows from the MaxPool bug: native MaxPool returns -FLT_MAX for a window with no value above -Inf (all NaN) instead of -Inf',
    },
    {
      check: 'forward',
      backend: 'wasm',
      kind: 'bug',
      when: (c: OpCase<ConvReluMaxPoolParams>) => c.id.includes(' nonfinite'),
      readme: 6,
      note: 'follows from the MaxPool bug: wasm MaxPool does not ignore a NaN in a window as TF.js does (-Inf when the NaN comes first)',
    },
    {
      ...NATIVE_FILTER_GRAD_CRASH,
      when: (c: OpCase<ConvReluMaxPoolParams>) => NATIVE_FILTER_GRAD_CRASH.when(c.inputs.x.shape, c.inputs.filter.shape, convParams(c)),
    },
  ],
};
