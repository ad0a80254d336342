import { logSoftmaxSpec } from '../../../src/ops/logSoftmax';
import { runChecks } from '../../../src/check/runner';
import { checkReferenceGradients } from '../../../src/check/gradcheck';
import { BACKENDS } from '../../../src/tfjs/backendIds';
import { OpSpec } from '../../../src/ops/types';
import { ALL, RETURNS, THROWS, describeErrorInputs } from '../../helpers/errorInputs';

type Params = Parameters<(typeof logSoftmaxSpec)['tfjs']>[2];

describe('logSoftmax cases', () => {
  const cases = logSoftmaxSpec.cases(1);

  it('cover ranks 1 to 6, every kind of logits, -Inf entries and n = 1 and 512', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.inputs.logits.shape.length))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect([...new Set(cases.map((c) => c.params.kind))].sort()).toEqual(['const', 'large', 'limit', 'masked', 'neginf', 'onehot', 'rand', 'small', 'tiny']);
    expect(cases.filter((c) => c.gradients).length).toBeGreaterThanOrEqual(100);
    expect(cases.some((c) => c.inputs.logits.data.some((v) => v > 88.7))).toBe(true);
    expect(cases.some((c) => c.inputs.logits.data.some((v) => v < -87.4))).toBe(true);
    const last = (c: (typeof cases)[number]) => c.inputs.logits.shape[c.inputs.logits.shape.length - 1];
    expect(cases.some((c) => last(c) === 1)).toBe(true);
    expect(cases.some((c) => last(c) === 512)).toBe(true);
    // no exact case: exp and log round
    expect(cases.every((c) => !c.exact)).toBe(true);
  });

  it('the bound is finite and positive wherever the value is finite; -Inf entries are -Inf with bound 0; a fully masked row is NaN', () => {
    for (const c of cases) {
      const { value, bound } = logSoftmaxSpec.reference(c);
      value.data.forEach((v, i) => {
        if (Number.isFinite(v)) expect(bound[i] > 0 && Number.isFinite(bound[i])).toBe(true);
        else if (v === -Infinity) expect(bound[i]).toBe(0);
        else expect(Number.isNaN(v)).toBe(true);
      });
    }
  });

  it('the bound is u-sized: within 64 u (|y| + log n + 1) for rand logits', () => {
    for (const c of cases.filter((k) => k.id.endsWith('v=rand'))) {
      const { value, bound } = logSoftmaxSpec.reference(c);
      const n = c.inputs.logits.shape[c.inputs.logits.shape.length - 1];
      value.data.forEach((v, i) => expect(bound[i]).toBeLessThan(64 * 2 ** -24 * (Math.abs(v) + Math.log(n) + 1)));
    }
  });
});

describe('the reference backward agrees with central differences', () => {
  it('on every case with gradients (step 1e-4, extrapolated)', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const c of logSoftmaxSpec.cases(1).filter((k) => k.gradients)) {
      for (const r of checkReferenceGradients(logSoftmaxSpec, c, 1, 1e-4)) {
        checked++;
        if (!r.ok) bad.push(`${c.id} [${r.index}]: analytic ${r.analytic}, numeric ${r.numeric}, tolerance ${r.tolerance}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });
});

describe('the check can fail', () => {
  const planted = (name: string, tfjs: OpSpec<Params>['tfjs']): OpSpec<Params> => ({ ...logSoftmaxSpec, id: `logSoftmax-${name}`, known: [], grads: [], tfjs });
  it.each([
    ['log of the sum without the max subtraction', planted('unshifted', (tf, [x]) => tf.sub(x, tf.log(tf.sum(tf.exp(x), -1, true))))],
    ['log(softmax) (loses the -Inf and underflow cases)', planted('log-softmax', (tf, [x]) => tf.log(tf.softmax(x)))],
    ['result scaled by 1 + 2^-18', planted('scaled', (tf, [x]) => tf.mul(tf.logSoftmax(x), 1 + 2 ** -18))],
  ])('%s', async (_name, spec) => {
    const records = await runChecks({ ops: [spec], backends: [...BACKENDS], seed: 1 });
    for (const b of BACKENDS) expect(records.filter((r) => r.backend === b && r.status === 'fail').length).toBeGreaterThan(5);
  });
});

describeErrorInputs(logSoftmaxSpec, {
  'axis 0 of logits [2,3]': ALL(THROWS(/Log Softmax along a non-last dimension is not yet supported\. Logits was rank 2 and axis was 0/)),
  'a scalar': ALL(THROWS(/axis param must be in range \[-0, 0\) but got axis -1/)),
  'an empty last axis [2,0]': ALL(RETURNS([2, 0])),
  'gradient: dy [2,2] for y [2,3]': { ...ALL(THROWS(/could not be broadcast together with shapes 2,2 and 2,3/)), tensorflow: THROWS(/Invalid TF_Status: 3/) },
});
