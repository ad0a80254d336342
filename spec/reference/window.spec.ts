import { axisPaddings, convOutputSize, padBefore, window2D } from '../../reference/window';

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
  ])('W=%i w=%i s=%i p=valid -> %i', (W, w, s, out) => {
    expect(convOutputSize(W, w, s, 'valid')).toBe(out);
    if (out > 0) expect(out).toBe(Math.floor(1 + (W - w) / s));
  });

  it.each([
    [7, 3, 1, 7],
    [7, 3, 2, 4],
    [3, 2, 3, 1],
    [1, 1, 3, 1],
  ])('W=%i w=%i s=%i p=same -> ceil(W/s) = %i', (W, w, s, out) => {
    expect(convOutputSize(W, w, s, 'same')).toBe(out);
  });

  it('dilation spans (w - 1) * d + 1 cells', () => {
    expect(convOutputSize(5, 2, 1, 'valid', 2)).toBe(3);
    expect(convOutputSize(9, 3, 1, 'valid', 2)).toBe(5);
  });
});

describe('padBefore', () => {
  it("'same' puts the smaller half of the padding before", () => {
    expect(padBefore(3, 2, 1, 'same')).toBe(0); // total 1: 0 before, 1 after
    expect(padBefore(3, 3, 1, 'same')).toBe(1); // total 2
    expect(padBefore(6, 4, 2, 'same')).toBe(1); // total (3-1)*2+4-6 = 2
    expect(padBefore(3, 2, 3, 'same')).toBe(0); // total (1-1)*3+2-3 < 0, clamped to 0
  });

  it("'valid' pads nothing", () => {
    expect(padBefore(7, 3, 2, 'valid', 2)).toBe(0);
  });
});

describe('window2D', () => {
  it('x=[5,7] k=[3,2] s=[2,3] p=same d=[1,2]: the geometry of both axes', () => {
    expect(window2D('op', [5, 7], [3, 2], [2, 3], 'same', [1, 2])).toEqual({
      inH: 5, inW: 7, kH: 3, kW: 2, sH: 2, sW: 3, dH: 1, dW: 2,
      outH: 3, outW: 3, padTop: 1, padLeft: 1,
    });
  });

  it('takes the op name first and puts it in its errors', () => {
    expect(() => window2D('someOp', [4, 4], [2, 2], [1, 1], 'full' as never)).toThrow(/Error in someOp: pad must be one of 'valid', 'same', a non-negative integer or an explicit 4x2 array, got "full"/);
    expect(() => window2D('someOp', [2, 2], [3, 1], [1, 1], 'valid')).toThrow(
      /Error in someOp: window \[3,1\] with dilations \[1,1\] spans \[3,1\], larger than the input \[2,2\] under 'valid' padding/,
    );
  });
});

describe("TF.js's output size under numeric and explicit padding", () => {
  it.each([
    // in, window, stride, [before, after], dilation, mode, out = mode((in - span + before + after) / s + 1)
    [5, 3, 1, [1, 1], 1, undefined, 5],
    [5, 2, 2, [0, 0], 1, undefined, 2], // 2.5 truncated
    [5, 2, 2, [0, 0], 1, 'floor', 2],
    [5, 2, 2, [0, 0], 1, 'round', 3],
    [5, 2, 2, [0, 0], 1, 'ceil', 3],
    [4, 2, 3, [0, 0], 1, 'round', 2], // 1.67
    [1, 1, 1, [2, 0], 1, undefined, 3], // padding larger than the window
    [7, 3, 1, [1, 2], 2, undefined, 6], // span 5: (7 - 5 + 3) + 1
    [1, 4, 1, [1, 1], 1, undefined, 0], // the padded input is smaller than the window
  ] as const)('in %d, window %d, stride %d, pad %j, dilation %d, %s: %d', (W, w, s, pad, d, mode, out) => {
    expect(convOutputSize(W, w, s, pad, d, mode)).toBe(out);
  });

  it('a number pads both sides', () => {
    expect(convOutputSize(5, 3, 2, 1)).toBe(convOutputSize(5, 3, 2, [1, 1]));
    expect(padBefore(5, 3, 2, 1)).toBe(1);
    expect(padBefore(5, 3, 2, [2, 0])).toBe(2);
  });

  it('axisPaddings reads an explicit pad in the data format\'s axis order', () => {
    expect(axisPaddings('op', [[0, 0], [1, 2], [3, 4], [0, 0]])).toEqual([[1, 2], [3, 4]]);
    expect(axisPaddings('op', [[0, 0], [0, 0], [1, 2], [3, 4]], 'NCHW')).toEqual([[1, 2], [3, 4]]);
    expect(() => axisPaddings('op', [[0, 0], [1, 2], [3, 4], [0, 0]], 'NCHW')).toThrow(/Error in op: explicit pad of the channel axis must be \[0,0\]/);
    expect(axisPaddings('op', 2)).toEqual([[2, 2], [2, 2]]);
  });

  it('window2D applies the rounding mode and refuses it with a string pad', () => {
    expect(window2D('op', [5, 5], [2, 2], [2, 2], 0, [1, 1], { dimRoundingMode: 'ceil' }).outH).toBe(3);
    expect(() => window2D('op', [5, 5], [2, 2], [2, 2], 'valid', [1, 1], { dimRoundingMode: 'ceil' })).toThrow(/pad must be an integer when using dimRoundingMode ceil but got pad valid/);
  });
});
