import { maxPool } from '../../reference/MaxPool';
import { maxPoolWithArgmax } from '../../reference/MaxPoolWithArgmax';
import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, poolConfigs, poolId, withSpecials } from './helpers';

describe('maxPoolWithArgmax: the maxima and where they are', () => {
  it('TF flat indexes with and without the batch (x=[2,2,2,1], 2x2 windows)', () => {
    const x = tensor([2, 2, 2, 1], [1, 2, 3, 4, 8, 7, 6, 5]);
    const withBatch = maxPoolWithArgmax(x, 2, 2, 'valid', true);
    expect(Array.from(withBatch.result.data)).toEqual([4, 8]);
    expect(Array.from(withBatch.indexes.data)).toEqual([3, 4]);
    expect(Array.from(maxPoolWithArgmax(x, 2, 2, 'valid', false).indexes.data)).toEqual([3, 0]);
  });

  it('channels interleave: index ((h * W) + w) * C + c; NaN never wins; an all-NaN window is -Inf at index -1', () => {
    const x = tensor([1, 2, 2, 2], [NaN, NaN, 1, NaN, 5, NaN, 2, NaN]);
    const r = maxPoolWithArgmax(x, 2, 2, 'valid');
    expect(Array.from(r.result.data)).toEqual([5, -Infinity]);
    expect(Array.from(r.indexes.data)).toEqual([4, -1]);
  });

  it('on every configuration: result = maxPool, and x at each index is the result (batch counted or not)', () => {
    const rng = new Rng(21);
    for (const c of poolConfigs()) {
      const x = withSpecials(rng, c.x);
      const g = pool2dInfo('maxPool', x, c.filterSize, c.strides, c.pad);
      for (const includeBatch of [true, false]) {
        const r = maxPoolWithArgmax(x, c.filterSize, c.strides, c.pad, includeBatch);
        expect(bitwiseDiff(r.result, maxPool(x, c.filterSize, c.strides, c.pad))).toBeUndefined();
        r.indexes.data.forEach((k, o) => {
          const n = Math.floor(o / (g.outH * g.outW * g.channels));
          const flat = k < 0 ? -1 : includeBatch ? k : k + n * g.inH * g.inW * g.channels;
          expect({ id: poolId(c), o, value: flat < 0 ? -Infinity : x.data[flat] }).toEqual({ id: poolId(c), o, value: r.result.data[o] });
        });
      }
    }
  });
});

describe('maxPoolWithArgmax argument errors', () => {
  it.each([
    ['rank 3', () => maxPoolWithArgmax(tensor([4, 4, 1]), 2, 2, 'valid'), /Error in maxPoolWithArgmax: x must be rank 4, got rank 3/],
    ['window 0', () => maxPoolWithArgmax(tensor([1, 4, 4, 1]), 0, 2, 'valid'), /Error in maxPoolWithArgmax: filterSize must be positive integers, got \[0,0\]/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
