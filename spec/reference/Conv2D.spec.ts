import { conv2d, conv2dInfo } from '../../reference/Conv2D';
import { Tensor64, permute, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff, convConfigs, convId } from './helpers';

describe('conv2d, every padding form, rounding mode and layout TF.js accepts', () => {
  const x = tensor([1, 3, 4, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const ones = (kh: number, kw: number) => tensor([kh, kw, 1, 1], new Array(kh * kw).fill(1));

  it('a numeric pad adds that many zero cells on every side', () => {
    // 3x4 image, pad 1 -> 5x6; a 3x3 window of ones sums each 3x3 neighbourhood.
    const y = conv2d(x, ones(3, 3), 1, 1);
    expect(y.shape).toEqual([1, 3, 4, 1]);
    expect(Array.from(y.data)).toEqual([14, 24, 30, 22, 33, 54, 63, 45, 30, 48, 54, 38]);
  });

  it('explicit padding reads [top, bottom] and [left, right] per axis, in the data format\'s order', () => {
    // top 0, bottom 1, left 2, right 0: out = (3 - 2 + 1) / 1 + 1 = 3 rows, (4 - 2 + 2) + 1 = 5 columns
    const y = conv2d(x, ones(2, 2), 1, [[0, 0], [0, 1], [2, 0], [0, 0]]);
    expect(y.shape).toEqual([1, 3, 5, 1]);
    expect(Array.from(y.data)).toEqual([0, 6, 14, 18, 22, 0, 14, 30, 34, 38, 0, 9, 19, 21, 23]);
    // The same padding given for NCHW ([[0,0],[0,0],[top,bottom],[left,right]]) on the same image in NCHW.
    const yc = conv2d(tensor([1, 1, 3, 4], x.data), ones(2, 2), 1, [[0, 0], [0, 0], [0, 1], [2, 0]], 1, { dataFormat: 'NCHW' });
    expect(yc.shape).toEqual([1, 1, 3, 5]);
    expect(Array.from(yc.data)).toEqual(Array.from(y.data));
  });

  it('explicit padding larger than the window: rows of zeros where the window sees only padding', () => {
    const y = conv2d(tensor([1, 1, 1, 1], [5]), ones(1, 1), 1, [[0, 0], [2, 0], [0, 0], [0, 0]]);
    expect(Array.from(y.data)).toEqual([0, 0, 5]);
  });

  it.each([
    // in 4, window 2, stride 3, pad 0: (4 - 2) / 3 + 1 = 1.67
    [undefined, 1], ['floor', 1], ['round', 2], ['ceil', 2],
  ] as const)('dimRoundingMode %s: (W - w + 2p) / s + 1 = 1.67 rounds to %d columns', (mode, cols) => {
    const y = conv2d(tensor([1, 1, 4, 1], [1, 2, 3, 4]), ones(1, 2), [1, 3], 0, 1, mode ? { dimRoundingMode: mode } : {});
    expect(y.shape).toEqual([1, 1, cols, 1]);
    // the second window (columns 3, 4) hangs past the input: its real cell 4 alone counts
    expect(Array.from(y.data)).toEqual([3, 4].slice(0, cols));
  });

  it('NCHW gives the NHWC result in NCHW order, bit for bit', () => {
    const rng = new Rng(7);
    const xs = tensor([2, 5, 6, 3], rng.uniform(180));
    const f = tensor([3, 2, 3, 4], rng.uniform(72));
    const nhwc = conv2d(xs, f, [2, 1], 'same');
    const toNCHW = (t: Tensor64) => permute(t, [0, 3, 1, 2]);
    const nchw = conv2d(toNCHW(xs), f, [2, 1], 'same', 1, { dataFormat: 'NCHW' });
    expect(nchw.shape).toEqual([2, 4, 3, 6]);
    expect(bitwiseDiff(nchw, toNCHW(nhwc))).toBeUndefined();
  });

  it('a rank-3 image is one unbatched image: the result has no batch axis', () => {
    const y = conv2d(tensor([3, 4, 1], x.data), ones(2, 2), 1, 'valid');
    expect(y.shape).toEqual([2, 3, 1]);
    expect(Array.from(y.data)).toEqual(Array.from(conv2d(x, ones(2, 2), 1, 'valid').data));
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

  it("cells in the 'same' padding are skipped, not multiplied: an infinite tap over padding adds nothing", () => {
    const x = tensor([1, 1, 2, 1], [1, 2]);
    // padding 0 before, 1 after: the second output's window is [2, pad]
    expect(Array.from(conv2d(x, tensor([1, 2, 1, 1], [3, Infinity]), 1, 'same').data)).toEqual([Infinity, 6]);
  });
});

/**
 * The notes' pseudocode of part 1b, transcribed (no padding, stride sX along the
 * width and sY along the height, one image n and one output channel co):
 *
 *   for x in {0,s,2s,...,W-w}
 *     for y in {0,s,2s,...,H-h}
 *       total = 0
 *       for c in {r,g,b}
 *         window = I_c[x:x+w,y:y+h]
 *         conv = window * G_c // * is element-wise multiplication
 *         total = total + summation(conv)
 *       out[x/s,y/s] = total
 *
 * with I_c[x, y] = input[n, y, x, c] and G_c[a, b] = filter[b, a, c, co].
 * Returns out[x/sX][y/sY].
 */
function notesConv(input: Tensor64, filter: Tensor64, n: number, co: number, sX: number, sY: number): number[][] {
  const [, H, W, C] = input.shape;
  const [h, w, , outC] = filter.shape;
  const I = (c: number, x: number, y: number) => input.data[((n * H + y) * W + x) * C + c];
  const G = (c: number, a: number, b: number) => filter.data[((b * w + a) * C + c) * outC + co];
  const out: number[][] = [];
  for (let x = 0; x <= W - w; x += sX) {
    out[x / sX] = [];
    for (let y = 0; y <= H - h; y += sY) {
      let total = 0;
      for (let c = 0; c < C; c++) {
        // window = I_c[x:x+w, y:y+h]; conv = window * G_c, conv[a][b] = I_c[x + a, y + b] * G_c[a, b]
        const conv: number[][] = [];
        for (let a = 0; a < w; a++) {
          conv[a] = [];
          for (let b = 0; b < h; b++) conv[a][b] = I(c, x + a, y + b) * G(c, a, b);
        }
        total = total + summation(conv);
      }
      out[x / sX][y / sY] = total;
    }
  }
  return out;
}

/** summation(): every element of conv[a][b], added to 0 in row-major window order (the row b outer, a inner). */
function summation(conv: number[][]): number {
  let s = 0;
  for (let b = 0; b < conv[0].length; b++) for (let a = 0; a < conv.length; a++) s += conv[a][b];
  return s;
}

describe("conv2d's order is the notes' pseudocode (part 1b): bitwise equal on random float32 data", () => {
  const rng = new Rng(21);
  it.each([
    [[1, 5, 6, 3], [2, 2, 3, 1], [1, 1]],
    [[1, 7, 7, 3], [3, 3, 3, 4], [2, 2]],
    [[2, 6, 9, 4], [3, 2, 4, 5], [1, 2]],
    [[3, 9, 8, 2], [2, 3, 2, 3], [3, 2]],
    [[2, 8, 8, 5], [4, 4, 5, 2], [2, 1]],
    [[1, 4, 4, 1], [4, 4, 1, 2], [1, 1]],
  ] as const)('x=[%s] f=[%s] s=[%s] p=valid', (xs, fs, s) => {
    const x = rng.tensor(xs);
    const filter = rng.tensor(fs);
    const y = conv2d(x, filter, s, 'valid');
    const [batch, outH, outW, outC] = y.shape;
    const want = new Float64Array(y.data.length);
    for (let n = 0; n < batch; n++) {
      for (let co = 0; co < outC; co++) {
        const out = notesConv(x, filter, n, co, s[1], s[0]);
        expect(out.length).toBe(outW);
        expect(out[0].length).toBe(outH);
        for (let ox = 0; ox < outW; ox++) for (let oy = 0; oy < outH; oy++) want[((n * outH + oy) * outW + ox) * outC + co] = out[ox][oy];
      }
    }
    expect(x.data.every((v) => !Number.isInteger(v))).toBe(true);
    expect(bitwiseDiff(y, { shape: y.shape, data: want })).toBeUndefined();
  });
});

describe("conv2d keeps the same order under padding and dilation: bitwise equal to the TSDoc's loops", () => {
  const rng = new Rng(22);
  it.each(convConfigs(3).map((c) => [convId(c), c] as const))('%s', (_id, c) => {
    const x = rng.tensor(c.x);
    const filter = rng.tensor(c.f);
    const y = conv2d(x, filter, c.strides, c.pad, c.dilations);
    const g = conv2dInfo('conv2d', x, filter, c.strides, c.pad, c.dilations);
    const [batch, outH, outW, outC] = y.shape;
    const [, inH, inW, inC] = c.x;
    const [kH, kW] = c.f;
    const want = new Float64Array(y.data.length);
    for (let n = 0; n < batch; n++) for (let oh = 0; oh < outH; oh++) for (let ow = 0; ow < outW; ow++) for (let co = 0; co < outC; co++) {
      let total = 0;
      for (let ci = 0; ci < inC; ci++) {
        let sum = 0;
        for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
          const ih = oh * g.sH + kh * g.dH - g.padTop;
          const iw = ow * g.sW + kw * g.dW - g.padLeft;
          if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) sum += x.data[((n * inH + ih) * inW + iw) * inC + ci] * filter.data[((kh * kW + kw) * inC + ci) * outC + co];
        }
        total = total + sum;
      }
      want[((n * outH + oh) * outW + ow) * outC + co] = total;
    }
    expect(bitwiseDiff(y, { shape: y.shape, data: want })).toBeUndefined();
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
    ['unknown padding', () => conv2d(x, f, 1, 'full' as never), /Error in conv2d: pad must be one of 'valid', 'same', a non-negative integer or an explicit 4x2 array, got "full"/],
    ['filter larger than a valid input', () => conv2d(tensor([1, 2, 2, 1]), tensor([3, 3, 1, 1]), 1, 'valid'), /Error in conv2d: window \[3,3\] with dilations \[1,1\] spans \[3,3\], larger than the input \[2,2\] under 'valid' padding/],
    ['dilated filter larger than a valid input', () => conv2d(tensor([1, 4, 4, 1]), tensor([3, 1, 1, 1]), 1, 'valid', 2), /spans \[5,1\], larger than the input \[4,4\]/],
    ['rank-2 image', () => conv2d(tensor([4, 3]), f, 1, 'valid'), /Error in conv2d: x must be rank 4 or rank 3 \(unbatched\), got rank 2 \(shape \[4,3\]\)/],
    ['unknown data format', () => conv2d(x, f, 1, 'valid', 1, { dataFormat: 'NWHC' as never }), /Error in conv2d: dataFormat must be one of 'NHWC', 'NCHW', got "NWHC"/],
    ['negative numeric pad', () => conv2d(x, f, 1, -1), /Error in conv2d: pad must be .*got -1/],
    ['fractional numeric pad', () => conv2d(x, f, 1, 0.5), /Error in conv2d: pad must be .*got 0.5/],
    ['explicit pad of 3 pairs', () => conv2d(x, f, 1, [[0, 0], [1, 1], [1, 1]] as never), /Error in conv2d: explicit pad must be 4 pairs of non-negative integers, one per axis of NHWC, got \[\[0,0\],\[1,1\],\[1,1\]\]/],
    ['explicit pad on the channel axis', () => conv2d(x, f, 1, [[0, 0], [1, 1], [1, 1], [0, 1]]), /Error in conv2d: explicit pad of the channel axis must be \[0,0\]/],
    ['rounding mode with a string pad', () => conv2d(x, f, 1, 'same', 1, { dimRoundingMode: 'ceil' }), /Error in conv2d: pad must be an integer when using dimRoundingMode ceil but got pad same/],
    ['unknown rounding mode', () => conv2d(x, f, 1, 1, 1, { dimRoundingMode: 'up' as never }), /Error in conv2d: dimRoundingMode must be one of 'floor', 'round', 'ceil', got "up"/],
    ['a pad that leaves no output', () => conv2d(tensor([1, 1, 1, 3]), tensor([4, 4, 3, 1]), 1, [[0, 0], [1, 1], [0, 0], [0, 0]]), /Error in conv2d: window \[4,4\] with dilations \[1,1\] and pad .* leaves no output on the input \[1,1\]/],
    ['rank-3 filter', () => conv2d(x, tensor([2, 2, 3]), 1, 'valid'), /Error in conv2d: filter must be rank 4, got rank 3/],
    ['empty dimension', () => conv2d(tensor([0, 4, 4, 3]), f, 1, 'valid'), /Error in conv2d: empty dimensions are not accepted: x \[0,4,4,3\]/],
    ['data/shape mismatch', () => conv2d({ shape: [1, 2, 2, 1], data: new Float64Array(3) }, tensor([1, 1, 1, 1]), 1, 'valid'), /Error in conv2d: x has 3 values but shape \[1,2,2,1\] needs 4/],
    ['conv2dInfo takes the op name first', () => conv2dInfo('someConv', x, tensor([2, 2, 4, 1]), 1, 'valid'), /Error in someConv: depth of input \(3\) must match/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
