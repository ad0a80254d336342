import { BACKENDS } from '../../../src/tfjs/backends';
import { depthwiseConv2dSpec, negativeSamePadding, roundsUp } from '../../../src/ops/depthwiseConv2d';
import { OpCase, OpSpec } from '../../../src/ops/types';
import { runChecks } from '../../../src/check/runner';
import { Outcome, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<(typeof depthwiseConv2dSpec)['tfjs']>[2];

describe('depthwiseConv2d cases', () => {
  const cases = depthwiseConv2dSpec.cases(1);

  it('are deterministic in the seed and differ across seeds', () => {
    expect(depthwiseConv2dSpec.cases(1).map((c) => c.id)).toEqual(cases.map((c) => c.id));
    const other = depthwiseConv2dSpec.cases(2);
    expect(Array.from(other[0].inputs.x.data)).not.toEqual(Array.from(cases[0].inputs.x.data));
  });

  it('cover every argument form TF.js accepts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const count = (f: (c: OpCase<Params>) => boolean) => cases.filter(f).length;
    expect(count((c) => c.params.pad === 'valid')).toBeGreaterThan(20);
    expect(count((c) => c.params.pad === 'same')).toBeGreaterThan(20);
    expect(count((c) => typeof c.params.pad === 'number')).toBeGreaterThan(20);
    expect(count((c) => Array.isArray(c.params.pad))).toBeGreaterThan(20);
    for (const m of ['floor', 'round', 'ceil'] as const) expect(count((c) => c.params.dimRoundingMode === m)).toBeGreaterThan(3);
    expect(count((c) => c.params.dataFormat === 'NCHW')).toBeGreaterThan(10);
    expect(count((c) => c.inputs.x.shape.length === 3)).toBeGreaterThan(10);
    expect(count((c) => c.params.dilations.some((d) => d > 1))).toBeGreaterThan(10);
    expect(count((c) => c.inputs.filter.shape[3] === 1)).toBeGreaterThan(20);
    expect(count((c) => c.inputs.filter.shape[3] > 1)).toBeGreaterThan(20);
    // 1xN and Nx1 filters with stride 2 and 'same'
    expect(count((c) => c.params.pad === 'same' && c.params.strides[0] === 2 && c.inputs.filter.shape[0] === 1 && c.inputs.filter.shape[1] > 1)).toBeGreaterThan(3);
    expect(count((c) => c.params.pad === 'same' && c.params.strides[0] === 2 && c.inputs.filter.shape[1] === 1 && c.inputs.filter.shape[0] > 1)).toBeGreaterThan(3);
    // the filter as large as the image; a stride larger than the filter
    expect(count((c) => c.params.dataFormat === 'NHWC' && c.inputs.x.shape.length === 4 && c.inputs.filter.shape[0] === c.inputs.x.shape[1] && c.inputs.filter.shape[1] === c.inputs.x.shape[2] && c.inputs.x.shape[1] > 1)).toBeGreaterThan(0);
    expect(count((c) => c.params.strides[0] > c.inputs.filter.shape[0])).toBeGreaterThan(0);
    expect(count((c) => c.exact)).toBeGreaterThan(50);
    expect(count((c) => c.id.endsWith('v=special'))).toBeGreaterThan(5);
    // TF.js's kernels refuse strides and dilations together
    expect(count((c) => c.params.strides.some((s) => s > 1) && c.params.dilations.some((d) => d > 1))).toBe(0);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('ids show every argument', () => {
    const c = cases.find((k) => Array.isArray(k.params.pad) && k.params.dimRoundingMode)!;
    expect(c.id).toMatch(/^x=\[[\d,]+\] f=\[[\d,]+\] s=\[\d,\d\] p=\[\[0,0\],.*\] d=\[\d,\d\] (NHWC|NCHW) rm=(floor|round|ceil) v=\w+/);
  });

  it('exact cases really are exact in float32: bound 0 and integer results below 2^24', () => {
    for (const c of cases.filter((k) => k.exact)) {
      const { bound, value } = depthwiseConv2dSpec.reference(c);
      expect(bound.every((b) => b === 0)).toBe(true);
      expect(value.data.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 24)).toBe(true);
    }
  });

  it('the bound is positive wherever a random case has an inexact sum', () => {
    const c = cases.find((k) => k.id.endsWith('v=rand') && k.inputs.filter.shape[0] * k.inputs.filter.shape[1] > 4)!;
    expect(depthwiseConv2dSpec.reference(c).bound.some((b) => b > 0)).toBe(true);
  });

  it('fast-check cases are valid cases', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fc = require('fast-check') as typeof import('fast-check');
    for (const c of fc.sample(depthwiseConv2dSpec.arbitrary!(fc), { numRuns: 60, seed: 4 })) {
      expect(() => depthwiseConv2dSpec.reference(c)).not.toThrow();
    }
  });
});

describe('the classes of the known discrepancies', () => {
  const one = (x: number[], f: number[], p: Partial<Params>): OpCase<Params> => ({
    id: 't', exact: true, gradients: true,
    inputs: { x: { shape: x, data: new Float64Array(x.reduce((a, b) => a * b)) }, filter: { shape: f, data: new Float64Array(f.reduce((a, b) => a * b)) } },
    params: { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', ...p },
  });
  it("negative 'same' padding on an axis with more than one tap", () => {
    expect(negativeSamePadding(one([1, 6, 6, 1], [1, 3, 1, 1], { pad: 'same', strides: [2, 2] }))).toBe(true); // rows: (3-1)*2 + 1 < 6
    expect(negativeSamePadding(one([1, 7, 7, 1], [1, 3, 1, 1], { pad: 'same', strides: [2, 2] }))).toBe(false);
    expect(negativeSamePadding(one([1, 5, 5, 1], [1, 1, 1, 1], { pad: 'same', strides: [3, 3] }))).toBe(false); // 1x1: nothing to pad
  });
  it('a rounding mode that lengthens an axis past floor', () => {
    expect(roundsUp(one([1, 5, 5, 1], [2, 2, 1, 1], { pad: 0, strides: [2, 2], dimRoundingMode: 'ceil' }))).toBe(true); // 2.5 -> 3
    expect(roundsUp(one([1, 5, 5, 1], [2, 2, 1, 1], { pad: 0, strides: [2, 2], dimRoundingMode: 'floor' }))).toBe(false);
    expect(roundsUp(one([1, 6, 6, 1], [2, 2, 1, 1], { pad: 0, strides: [2, 2], dimRoundingMode: 'ceil' }))).toBe(false); // 3 exactly
  });
});

describe('known discrepancies still reproduce, and only on their backends', () => {
  it.each([
    // README #30: wasm, negative 'same' padding with a 1x3 filter, stride 2
    ['wasm', ['wasm'], 'x=[1,6,6,2] f=[1,3,2,1] s=[2,2] p=same d=[1,1] NHWC v=exact'],
    // README #31: NCHW read as NHWC (wasm is not run: skip)
    ['cpu', ['cpu', 'tensorflow'], 'x=[2,3,4,3] f=[2,2,3,2] s=[1,1] p=valid d=[1,1] NCHW v=exact'],
    // README #32: dimRoundingMode 'ceil' rounds 2.5 up to 3
    ['wasm', ['wasm', 'tensorflow'], 'x=[1,5,5,2] f=[2,2,2,1] s=[2,2] p=0 d=[1,1] NHWC rm=ceil v=exact'],
  ] as const)('%s: %s', async (_first, failing, caseId) => {
    const spec = { ...depthwiseConv2dSpec, grads: [] };
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1, caseId });
    const by = Object.fromEntries(records.map((r) => [r.backend, r]));
    for (const b of BACKENDS) {
      if ((failing as readonly string[]).includes(b)) expect(by[b].status).toBe('xfail');
      else expect(['pass', 'xfail']).toContain(by[b].status);
    }
    for (const b of BACKENDS.filter((k) => !(failing as readonly string[]).includes(k))) if (by[b].status === 'xfail') expect(by[b].message).toMatch(/not run/);
  });

  it('the same calls in their NHWC / floor forms pass everywhere (the second oracle)', async () => {
    const spec = { ...depthwiseConv2dSpec, grads: [] };
    for (const caseId of ['x=[1,7,7,3] f=[1,3,3,2] s=[2,2] p=same d=[1,1] NHWC v=exact', 'x=[1,5,5,2] f=[2,2,2,1] s=[2,2] p=0 d=[1,1] NHWC rm=floor v=exact']) {
      const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1, caseId });
      expect(records.map((r) => `${r.backend} ${r.status}`)).toEqual(BACKENDS.map((b) => `${b} pass`));
    }
  });
});

describe('the check can fail: planted faults are caught on every backend', () => {
  const planted = (name: string, tfjs: OpSpec<Params>['tfjs']): OpSpec<Params> => ({
    ...depthwiseConv2dSpec, id: `depthwiseConv2d-${name}`, known: [], grads: [], tfjs,
    // NOTE: NHWC and no numeric pad: the wasm heap overruns (README #31, #33) are left out, not run.
    cases: (seed) => depthwiseConv2dSpec.cases(seed).filter((c) => c.params.dataFormat === 'NHWC' && typeof c.params.pad !== 'number'),
  });
  it.each([
    ['output channels m * C + c instead of c * M + m', planted('channel-order', (tf, [x, f], p) => {
      const y = depthwiseConv2dSpec.tfjs(tf, [x, f], p);
      const [, , c, m] = f.shape as number[];
      if (c === 1 || m === 1) return tf.mul(y, 1 + 2 ** -20);
      const r = y.rank;
      const shape = [...y.shape.slice(0, r - 1), c, m];
      return tf.reshape(tf.transpose(tf.reshape(y, shape), [...Array(r - 1).keys(), r, r - 1]), y.shape);
    })],
    ['filter flipped (true convolution)', planted('flipped', (tf, [x, f], p) => depthwiseConv2dSpec.tfjs(tf, [x, tf.reverse(f, [0, 1])], p))],
    ['result scaled by 1 + 2^-20', planted('scaled', (tf, [x, f], p) => tf.mul(depthwiseConv2dSpec.tfjs(tf, [x, f], p), 1 + 2 ** -20))],
  ])('%s', async (_name, spec) => {
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 3 });
    for (const b of BACKENDS) {
      const fails = records.filter((r) => r.backend === b && r.status === 'fail');
      expect(fails.length).toBeGreaterThan(10);
      expect(fails[0].replay).toContain(`--backends ${b}`);
    }
  });
});

// What TF.js 4.22 does with each, per backend, recorded.
const CHANNELS = THROWS(/number of input channels \(3\) must match the inChannels dimension in filter 2/);
const expected: Record<string, Record<string, Outcome>> = {
  'channel mismatch x=[1,4,4,3] f=[2,2,2,1]': { cpu: CHANNELS, wasm: CHANNELS, tensorflow: CHANNELS },
  // NOTE: tf.depthwiseConv2d does not check the strides: cpu fails allocating, wasm returns an infinite shape, tensorflow a status.
  'stride 0': { cpu: THROWS(/Invalid typed array length: Infinity/), wasm: RETURNS([1, Infinity, Infinity, 1]), tensorflow: THROWS(/Invalid TF_Status: 3/) },
  'rank-2 image [4,4]': { cpu: THROWS(/input must be rank 4, but got rank 2/), wasm: THROWS(/input must be rank 4, but got rank 2/), tensorflow: THROWS(/input must be rank 4, but got rank 2/) },
  'rank-3 filter [2,2,1]': { cpu: THROWS(/filter must be rank 4, but got rank 3/), wasm: THROWS(/filter must be rank 4, but got rank 3/), tensorflow: THROWS(/filter must be rank 4, but got rank 3/) },
  "dimRoundingMode 'ceil' with 'same' padding": { cpu: THROWS(/pad must be an integer when using dimRoundingMode ceil/), wasm: THROWS(/pad must be an integer when using dimRoundingMode ceil/), tensorflow: THROWS(/pad must be an integer when using dimRoundingMode ceil/) },
  // NOTE: cpu and wasm return an empty tensor; tensorflow a [1,2,2,1] tensor (as for conv2d).
  "filter [3,3] larger than a 'valid' input [2,2]": { cpu: RETURNS([1, 0, 0, 1]), wasm: RETURNS([1, 0, 0, 1]), tensorflow: RETURNS([1, 2, 2, 1]) },
  // NOTE: TF.js does not check a numeric pad's sign: cpu and wasm crop the image.
  'negative numeric pad -1': { cpu: RETURNS([1, 1, 1, 1]), wasm: RETURNS([1, 1, 1, 1]), tensorflow: THROWS(/TF Backend supports only 'valid' and 'same' padding while padding was NUMBER/) },
};
describeErrorInputs(depthwiseConv2dSpec, expected);
