/**
 * The reference backward of every op is checked on its own, against float64
 * central differences of the reference forward, on every case with gradients.
 */
import { checkReferenceGradients } from '../../../src/check/gradcheck';
import { OPS } from '../../../src/ops';
import { poolKind } from '../../../src/ops/poolCases';
import { AnyOpSpec, OpCase } from '../../../src/ops/types';

/**
 * Steps of the random cases: conv2d and avgPool are linear, any step will do;
 * max and relu are piecewise linear, the step must stay below the gaps between
 * window cells (convReluMaxPool's guard keeps them above the float32 bound).
 * Exact cases take 2^-10: their sums stay exact in float64 and gaps are >= 1.
 */
const STEP: Record<string, number> = {
  conv2d: 1e-3, conv2dTranspose: 1e-3, depthwiseConv2d: 1e-3, maxPool: 1e-7, avgPool: 1e-3, pool: 1e-7, convReluMaxPool: 1e-9, matMul: 1e-3,
  // smooth (extrapolated, see src/check/gradcheck.ts); feedForward's relu kinks sit far from a step this small
  // the fused activations' kinks (relu at 0 and 6, prelu and leakyrelu at 0) sit far from a step this small, like feedForward's
  fusedMatMul: 1e-6, fusedConv2d: 1e-6, fusedDepthwiseConv2d: 1e-6,
  softmax: 1e-4, logSoftmax: 1e-4, dotProductAttention: 1e-4, selfAttention: 1e-4, multiHeadAttention: 1e-4, multiHeadAttentionLayer: 1e-4, feedForward: 1e-6,
};
const EXACT_STEP = 2 ** -10;

/** Activations with a kink (relu at 0 and 6, prelu and leakyrelu at 0): the integer pre-activations of exact cases sit on it. */
const KINKED = ['relu', 'relu6', 'prelu', 'leakyrelu'];

/**
 * Where the gradient exists: not at ties of a max, nor at the kink of a fused
 * activation that an exact case's integer pre-activation hits (the reference
 * picks TF.js's subgradient there).
 */
function differentiable(op: AnyOpSpec, c: OpCase<unknown>): boolean {
  if (op.id.startsWith('fused') && c.exact && KINKED.includes((c.params as { activation: string }).activation)) return false;
  return c.gradients && !(['maxPool', 'pool'].includes(op.id) && poolKind(c as never) === 'ties');
}

describe.each(OPS.filter((op) => op.grads.length > 0).map((op) => [op.id, op] as const))('%s reference backward', (id, op) => {
  it('agrees with float64 central differences on every case (relative 1e-6 plus the rounding and truncation estimates)', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const c of op.cases(1).filter((k) => differentiable(op, k))) {
      for (const r of checkReferenceGradients(op, c, 1, c.exact ? EXACT_STEP : STEP[id])) {
        checked++;
        if (!r.ok) bad.push(`${c.id} ${r.input}[${r.index}]: analytic ${r.analytic}, numeric ${r.numeric}, tolerance ${r.tolerance}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });
});

describe('the finite-difference check can fail', () => {
  it('catches a gradient scaled by 1.001 and a gradient sent to the wrong cell', () => {
    const conv = OPS.find((o) => o.id === 'conv2d')!;
    const scaled: AnyOpSpec = {
      ...conv,
      grads: conv.grads.map((g) => ({ ...g, reference: (c: OpCase<unknown>, dy) => { const e = g.reference(c, dy); return { ...e, value: { ...e.value, data: e.value.data.map((v) => v * 1.001) } }; } })),
    };
    const c = conv.cases(1).find((k) => k.id.endsWith('v=rand') && k.inputs.x.data.length > 20)!;
    expect(checkReferenceGradients(scaled, c, 1, 1e-3).some((r) => !r.ok)).toBe(true);
    const pool = OPS.find((o) => o.id === 'maxPool')!;
    const shifted: AnyOpSpec = {
      ...pool,
      grads: pool.grads.map((g) => ({ ...g, reference: (k: OpCase<unknown>, dy) => { const e = g.reference(k, dy); const d = e.value.data; return { ...e, value: { ...e.value, data: d.map((_, i) => d[(i + 1) % d.length]) } }; } })),
    };
    const p = pool.cases(1).find((k) => k.id.endsWith('v=rand') && k.inputs.x.data.length > 20)!;
    expect(checkReferenceGradients(shifted, p, 1, 1e-7, 50).some((r) => !r.ok)).toBe(true);
  });
});
