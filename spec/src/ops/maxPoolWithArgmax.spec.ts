import { maxPoolWithArgmaxSpec } from '../../../src/ops/maxPoolWithArgmax';
import { poolKind } from '../../../src/ops/poolCases';
import { useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';
import { THROWS, RETURNS, describeErrorInputs } from '../../helpers/errorInputs';

describe('maxPoolWithArgmax cases', () => {
  const cases = maxPoolWithArgmaxSpec.cases(1);

  it('cover both index conventions, every padding TF.js takes and the value kinds; the reference stacks values then indexes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.params.includeBatchInIndex))).toEqual(new Set([true, false]));
    expect(new Set(cases.map((c) => typeof c.params.pad))).toEqual(new Set(['string', 'number']));
    expect(new Set(cases.map(poolKind))).toEqual(new Set(['rand', 'exact', 'ties', 'nan', 'neg', 'neginf']));
    const c = cases.find((k) => k.id.startsWith('x=[2,2,2,1] k=[2,2] s=[2,2] p=valid batchIndex=true v=exact'))!;
    const { value } = maxPoolWithArgmaxSpec.reference(c);
    expect(value.shape).toEqual([2, 2, 1, 1, 1]);
    // the indexes point at the values, batch counted
    expect([c.inputs.x.data[value.data[2]], c.inputs.x.data[value.data[3]]]).toEqual([value.data[0], value.data[1]]);
  });
});

/** Known discrepancy #4 on wasm by a second oracle: the cpu backend and the hand value of an all-negative window. */
describe('#4: wasm MaxPoolWithArgmax starts its running maximum at FLT_MIN', () => {
  it.each([['cpu', -1, 3], ['wasm', 2 ** -126, 0]] as const)('%s: [[-4,-3],[-2,-1]] gives %p at index %p', async (backend, value, index) => {
    await useBackend(backend);
    const r = tf.tidy(() => {
      const { result, indexes } = tf.maxPoolWithArgmax(tf.tensor4d([-4, -3, -2, -1], [1, 2, 2, 1]), 2, 2, 'valid', true);
      return [result.dataSync()[0], indexes.dataSync()[0]];
    });
    expect(r).toEqual([Math.fround(value), index]);
  });
});

describeErrorInputs(maxPoolWithArgmaxSpec, {
  // NOTE: cpu reads a rank-3 x with a garbage geometry; tensorflow has no kernel.
  'rank-3 x [4,4,1]': { cpu: THROWS(/shape comprised of positive integers but got shape \[4,2,0,\]/), wasm: THROWS(/input must be rank 4 but got rank 3/), tensorflow: THROWS(/Kernel 'MaxPoolWithArgmax' not registered for backend 'tensorflow'/) },
  'window 0': { cpu: RETURNS([1, 3, 3, 1]), wasm: RETURNS([1, 3, 3, 1]), tensorflow: THROWS(/Kernel 'MaxPoolWithArgmax' not registered for backend 'tensorflow'/) },
});
