import { pool } from '../../../reference/DilatedPool';
import { tensor } from '../../../reference/tensor';
import { poolSpec } from '../../../src/ops/pool';
import { poolKind } from '../../../src/ops/poolCases';
import { BACKENDS, useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

describe('pool cases', () => {
  const cases = poolSpec.cases(1);

  it('cover max and avg, dilated windows, every padding form, rounding modes and rank-3 inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const d = (c: (typeof cases)[number]) => c.params.dilations[0] > 1 || c.params.dilations[1] > 1;
    for (const type of ['max', 'avg']) {
      expect(cases.filter((c) => c.params.poolingType === type && d(c) && c.params.pad === 'valid').length).toBeGreaterThan(25);
      expect(cases.filter((c) => c.params.poolingType === type && !d(c)).length).toBeGreaterThan(25);
    }
    expect(new Set(cases.filter(d).map((c) => typeof c.params.pad))).toEqual(new Set(['string', 'number', 'object']));
    expect(cases.some((c) => c.params.dilations[0] !== c.params.dilations[1])).toBe(true);
    expect(cases.every((c) => !d(c) || (c.params.strides[0] === 1 && c.params.strides[1] === 1 && !c.params.dimRoundingMode))).toBe(true);
    expect(new Set(cases.map((c) => c.params.dimRoundingMode))).toEqual(new Set([undefined, 'floor', 'round', 'ceil']));
    expect(cases.some((c) => c.inputs.x.shape.length === 3)).toBe(true);
    expect(cases.some((c) => poolKind(c) === 'nan' && c.gradients)).toBe(true);
  });
});

/**
 * Known discrepancy #26, by a second oracle: TF.js's own other form of the same
 * window (the input padded by hand with -Inf, then a dilated 'valid' tf.pool)
 * gives the reference; tf.pool's own 'same' and numeric forms give what the
 * reference gives on a zero-padded input (the spaceToBatchND padding) or on the
 * unpadded input (the pad dropped), on every Node backend.
 */
describe.each(BACKENDS.map((b) => [b] as const))('#26 on %s: tf.pool with a dilation > 1 and padding', (backend) => {
  const x = tensor([1, 3, 3, 1], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
  const t = () => tf.tensor4d(Float32Array.from(x.data), [1, 3, 3, 1]);
  const read = (f: () => import('@tensorflow/tfjs-node').Tensor) => tf.tidy(() => { const y = f(); return { shape: y.shape, data: Array.from(y.dataSync()) }; });

  beforeAll(async () => {
    await useBackend(backend);
  });

  it("'same': the reference is TF.js's pool of the -Inf-padded input; tf.pool itself pools zeros from its padding", () => {
    const want = pool(x, 2, 'max', 'same', 2);
    const byHand = read(() => tf.pool(tf.pad(t(), [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 2, 'max', 'valid', 2));
    expect(byHand.data).toEqual(Array.from(want.data));
    const got = read(() => tf.pool(t(), 2, 'max', 'same', 2));
    const zeros = pool(tensor([1, 5, 5, 1], [0, 0, 0, 0, 0, 0, -1, -2, -3, 0, 0, -4, -5, -6, 0, 0, -7, -8, -9, 0, 0, 0, 0, 0, 0]), 2, 'max', 'valid', 2);
    expect(got.data).toEqual(Array.from(zeros.data));
    expect(got.data).not.toEqual(Array.from(want.data));
  });

  it('numeric pad 1: the reference is the -Inf-padded pool ([1,3,3,1]); tf.pool drops the pad ([1,1,1,1])', () => {
    const want = pool(x, 2, 'max', 1, 2);
    const byHand = read(() => tf.pool(tf.pad(t(), [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 2, 'max', 'valid', 2));
    expect(byHand.shape).toEqual(want.shape);
    expect(byHand.data).toEqual(Array.from(want.data));
    expect(read(() => tf.pool(t(), 2, 'max', 1, 2)).shape).toEqual([1, 1, 1, 1]);
  });
});

describeErrorInputs(poolSpec, {
  'strides 2 with dilations 2': ALL(THROWS(/Error in pool: Either strides or dilations must be 1/)),
  // NOTE: tf.pool takes any pooling type other than 'avg' as 'max'.
  "pooling type 'min'": ALL(RETURNS([1, 3, 3, 1])),
  // NOTE: tf.pool turns pad 0 into 'valid', and pools dilated windows under 'valid': then the inner op rejects the rounding mode.
  "dimRoundingMode 'ceil' with pad 0": ALL(THROWS(/Error in avgPool: pad must be an integer when using dimRoundingMode ceil but got pad valid/)),
  "dimRoundingMode 'floor' with dilations 2": ALL(THROWS(/Error in maxPool: pad must be an integer when using dimRoundingMode floor but got pad valid/)),
  "dilated window [3,3] d=2 larger than a 'valid' input [4,4]": ALL(RETURNS([1, 0, 0, 1])),
  'dilation 0': ALL(THROWS(/with paddings 0,NaN,0,NaN must be divisible by blockShapes 0,0/)),
  'gradient: dy [1,1,1,1] for an output [1,2,2,1]': ALL(THROWS(/input spatial dimensions 1,1,1 with paddings 0,0,0,0 must be divisible by blockShapes 2,2/)),
});
