import { pool2dInfo } from '../../reference/pool';
import { tensor } from '../../reference/tensor';

describe('pool2dInfo', () => {
  it('x=[2,5,7,3] k=[3,2] s=[1,2] p=same: the window geometry with batch and channels', () => {
    expect(pool2dInfo('maxPool', tensor([2, 5, 7, 3]), [3, 2], [1, 2], 'same')).toEqual({
      inH: 5, inW: 7, kH: 3, kW: 2, sH: 1, sW: 2, dH: 1, dW: 1,
      outH: 5, outW: 4, padTop: 1, padLeft: 0, batch: 2, channels: 3,
    });
  });

  it('a rank-3 x is a batch of one; dilations and the rounding mode reach the geometry', () => {
    expect(pool2dInfo('pool', tensor([5, 7, 3]), 2, 1, 'same', { dilations: [2, 3] })).toMatchObject({ batch: 1, dH: 2, dW: 3, outH: 5, outW: 7, padTop: 1, padLeft: 1 });
    expect(pool2dInfo('maxPool', tensor([1, 3, 3, 1]), 3, 3, [[0, 0], [2, 2], [1, 1], [0, 0]], { dimRoundingMode: 'ceil' })).toMatchObject({ outH: 3, outW: 2, padTop: 2, padLeft: 1 });
  });

  it.each([
    ['rank 2', () => pool2dInfo('somePool', tensor([4, 4]), 2, 2, 'valid'), /Error in somePool: x must be rank 4, or rank 3 for a batch of one, got rank 2/],
    ['an empty dimension', () => pool2dInfo('somePool', tensor([1, 0, 4, 1]), 2, 2, 'valid'), /Error in somePool: empty dimensions are not accepted: x \[1,0,4,1\]/],
    ['window 0', () => pool2dInfo('somePool', tensor([1, 4, 4, 1]), 0, 2, 'valid'), /Error in somePool: filterSize must be positive integers, got \[0,0\]/],
    ['dilation 0', () => pool2dInfo('somePool', tensor([1, 4, 4, 1]), 2, 1, 'valid', { dilations: 0 }), /Error in somePool: dilations must be positive integers, got \[0,0\]/],
  ])('takes the op name first: %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
