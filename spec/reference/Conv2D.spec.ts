import { conv2d, convOutputSize } from '../../reference/Conv2D';
import { tensor } from '../../reference/tensor';
import { padBefore } from '../../reference/window';

describe('convOutputSize (notes, part 1a)', () => {
  // (1 + W - w) without stride, floor(1 + (W - w) / s) with stride s.
  it.each([
    [7, 3, 1, 5],
    [7, 3, 2, 3],
    [7, 3, 3, 2],
    [8, 3, 2, 3],
    [5, 5, 1, 1],
    [4, 1, 3, 2],
    [9, 2, 3, 3],
    [2, 3, 1, 0], // the filter does not fit: no output
  ])("W=%i w=%i s=%i p=valid -> %i", (W, w, s, out) => {
    expect(convOutputSize(W, w, s, 'valid')).toBe(out);
    if (out > 0) expect(out).toBe(Math.floor(1 + (W - w) / s));
  });

  it.each([
    [7, 3, 1, 7],
    [7, 3, 2, 4],
    [3, 2, 3, 1],
    [1, 1, 3, 1],
  ])("W=%i w=%i s=%i p=same -> ceil(W/s) = %i", (W, w, s, out) => {
    expect(convOutputSize(W, w, s, 'same')).toBe(out);
  });

  it('dilation spans (w - 1) * d + 1 cells', () => {
    expect(convOutputSize(5, 2, 1, 'valid', 2)).toBe(3);
    expect(convOutputSize(9, 3, 1, 'valid', 2)).toBe(5);
  });

  it("'same' puts the smaller half of the padding before", () => {
    expect(padBefore(3, 2, 1, 'same')).toBe(0); // total 1: 0 before, 1 after
    expect(padBefore(3, 3, 1, 'same')).toBe(1); // total 2
    expect(padBefore(6, 4, 2, 'same')).toBe(1); // total (3-1)*2+4-6 = 2
    expect(padBefore(3, 2, 3, 'same')).toBe(0); // total (1-1)*3+2-3 < 0, clamped to 0
  });
});

describe('conv2d, worked by hand', () => {
  it('three colour channels, 2x2 filter, stride 2, no padding (notes, part 1a-b)', () => {
    // I is 3 (high) x 4 (wide); I_c[x, y] = x[0, y, x, c].
    const r = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const g = new Array(12).fill(1);
    const b = [2, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];
    const x = tensor([1, 3, 4, 3], r.flatMap((v, i) => [v, g[i], b[i]]));
    // G_r = [[1, 0], [0, -1]], G_g = all ones, G_b = [[1, 1], [0, 0]]  (rows = y, columns = x)
    const Gr = [1, 0, 0, -1];
    const Gg = [1, 1, 1, 1];
    const Gb = [1, 1, 0, 0];
    const filter = tensor([2, 2, 3, 1], Gr.flatMap((v, i) => [v, Gg[i], Gb[i]]));
    const y = conv2d(x, filter, 2, 'valid');
    // Output is floor(1 + (4-2)/2) = 2 wide and floor(1 + (3-2)/2) = 1 high.
    expect(y.shape).toEqual([1, 1, 2, 1]);
    // window at x=0: r 1-6 = -5, g 4, b 2 -> 1;  window at x=2: r 3-8 = -5, g 4, b 5 -> 4
    expect(Array.from(y.data)).toEqual([1, 4]);
  });

  it("'same' padding: symmetric, asymmetric, and clamped", () => {
    const x = tensor([1, 1, 3, 1], [1, 2, 3]);
    expect(Array.from(conv2d(x, tensor([1, 3, 1, 1], [1, 1, 1]), 1, 'same').data)).toEqual([3, 6, 5]);
    expect(Array.from(conv2d(x, tensor([1, 2, 1, 1], [1, 10]), 1, 'same').data)).toEqual([21, 32, 3]);
    expect(Array.from(conv2d(x, tensor([1, 2, 1, 1], [1, 2]), [1, 3], 'same').data)).toEqual([5]);
  });

  it('dilation skips cells; several output channels; batch', () => {
    const x = tensor([2, 1, 5, 1], [1, 2, 3, 4, 5, -1, -2, -3, -4, -5]);
    const y = conv2d(x, tensor([1, 2, 1, 2], [1, 0, 10, 1]), 1, 'valid', [1, 2]);
    expect(y.shape).toEqual([2, 1, 3, 2]);
    // channel 0: x[i] + 10 x[i+2]; channel 1: x[i+2]
    expect(Array.from(y.data)).toEqual([31, 3, 42, 4, 53, 5, -31, -3, -42, -4, -53, -5]);
  });

  it('strides and dilations may be combined (tf.conv2d refuses; see the bad-input table)', () => {
    const x = tensor([1, 1, 7, 1], [1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(conv2d(x, tensor([1, 2, 1, 1], [1, 1]), [1, 2], 'valid', [1, 2]).data)).toEqual([4, 8, 12]);
  });
});

describe('conv2d argument errors name the op, the argument and the values', () => {
  const x = tensor([1, 4, 4, 3]);
  const f = tensor([2, 2, 3, 1]);
  it.each([
    ['channel mismatch', () => conv2d(x, tensor([2, 2, 4, 1]), 1, 'valid'), /Error in conv2d: depth of input \(3\) must match input depth for filter \(4\)/],
    ['stride 0', () => conv2d(x, f, 0, 'valid'), /Error in conv2d: strides must be positive integers, got \[0,0\]/],
    ['negative stride', () => conv2d(x, f, [1, -2], 'valid'), /Error in conv2d: strides must be positive integers, got \[1,-2\]/],
    ['fractional stride', () => conv2d(x, f, 1.5, 'valid'), /Error in conv2d: strides must be positive integers, got \[1.5,1.5\]/],
    ['dilation 0', () => conv2d(x, f, 1, 'valid', 0), /Error in conv2d: dilations must be positive integers, got \[0,0\]/],
    ['unknown padding', () => conv2d(x, f, 1, 'full' as never), /Error in conv2d: pad must be one of 'valid', 'same', got "full"/],
    ['filter larger than a valid input', () => conv2d(tensor([1, 2, 2, 1]), tensor([3, 3, 1, 1]), 1, 'valid'), /Error in conv2d: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\] under 'valid' padding/],
    ['dilated filter larger than a valid input', () => conv2d(tensor([1, 4, 4, 1]), tensor([3, 1, 1, 1]), 1, 'valid', 2), /spans \[5,1\], larger than the input \[4,4\]/],
    ['rank-3 image', () => conv2d(tensor([4, 4, 3]), f, 1, 'valid'), /Error in conv2d: x must be rank 4, got rank 3 \(shape \[4,4,3\]\)/],
    ['rank-3 filter', () => conv2d(x, tensor([2, 2, 3]), 1, 'valid'), /Error in conv2d: filter must be rank 4, got rank 3/],
    ['empty dimension', () => conv2d(tensor([0, 4, 4, 3]), f, 1, 'valid'), /Error in conv2d: empty dimensions are not accepted: x \[0,4,4,3\]/],
    ['data/shape mismatch', () => conv2d({ shape: [1, 2, 2, 1], data: new Float64Array(3) }, tensor([1, 1, 1, 1]), 1, 'valid'), /Error in conv2d: x has 3 values but shape \[1,2,2,1\] needs 4/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
