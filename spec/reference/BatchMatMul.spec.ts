import { matMul, matMulGrad, matMulInfo } from '../../reference/BatchMatMul';
import { Tensor64, tensor } from '../../reference/tensor';
import { Rng, bitwiseDiff } from './helpers';

const rng = new Rng(99);

describe('matMul', () => {
  it('by hand, with transposes and a broadcast batch', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    expect(Array.from(matMul(a, b).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matMul(b, a, true, true).data)).toEqual([58, 139, 64, 154]);
    const a3 = tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(matMul(a3, b).data)).toEqual([58, 64, 139, 154, 7, 8, 9, 10]);
  });

  it('rejects mismatched inner dimensions with the shapes in the message', () => {
    expect(() => matMul(tensor([2, 3]), tensor([4, 2]))).toThrow(/Error in matMul: inner dimensions of a \[2,3\] \(transposeA=false\) and b \[4,2\] \(transposeB=false\) must match, got 3 and 4/);
  });

  it('matMulInfo takes the op name first', () => {
    expect(matMulInfo('matMul', tensor([5, 2, 3]), tensor([3, 4]), false, false)).toMatchObject({ batch: [5], m: 2, k: 3, n: 4 });
    expect(() => matMulInfo('someProduct', tensor([2, 2, 3]), tensor([3, 3, 4]), false, false)).toThrow(/Error in someProduct: batch dimensions of a \[2,2,3\] and b \[3,3,4\] do not broadcast/);
    expect(() => matMulInfo('someProduct', tensor([3]), tensor([3, 4]), false, false)).toThrow(/Error in someProduct: a and b must have rank >= 2, got \[3\] and \[3,4\]/);
  });
});

/** opA(a)[t, i, p] of a [batch, r, c] tensor, transposed or not. */
const at = (a: Tensor64, t: number, i: number, p: number, transpose: boolean) => {
  const [r, c] = a.shape.slice(-2);
  return transpose ? a.data[t * r * c + p * c + i] : a.data[t * r * c + i * c + p];
};

describe("matMul's order: each element sums from 0 in ascending p, bitwise", () => {
  it.each([
    [[7, 9], [9, 5], false, false, 1, 1],
    [[9, 7], [9, 5], true, false, 1, 1],
    [[7, 9], [5, 9], false, true, 1, 1],
    [[3, 9, 7], [3, 5, 9], true, true, 3, 3],
    [[3, 4, 6], [6, 5], false, false, 3, 1],
    [[1, 4, 6], [2, 6, 5], false, false, 1, 2],
  ] as const)('a=[%s] b=[%s] tA=%p tB=%p', (as, bs, tA, tB, na, nb) => {
    const a = rng.tensor(as);
    const b = rng.tensor(bs);
    const y = matMul(a, b, tA, tB);
    const [m, n] = y.shape.slice(-2);
    const k = tA ? as[as.length - 2] : as[as.length - 1];
    const batch = Math.max(na, nb);
    const want = new Float64Array(batch * m * n);
    for (let t = 0; t < batch; t++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += at(a, na === 1 ? 0 : t, i, p, tA) * at(b, nb === 1 ? 0 : t, p, j, tB);
      want[(t * m + i) * n + j] = sum;
    }
    expect(bitwiseDiff(y, { shape: y.shape, data: want })).toBeUndefined();
  });
});

describe('matMulGrad', () => {
  it('its gradient sums over the batch a rank-2 b was broadcast along', () => {
    const a3 = rng.tensor([3, 2, 4]);
    const b = rng.tensor([4, 5]);
    const dy = rng.tensor([3, 2, 5]);
    const g = matMulGrad(a3, b, dy);
    expect(g.b.shape).toEqual([4, 5]);
    let want = 0;
    for (let t = 0; t < 3; t++) for (let i = 0; i < 2; i++) want += a3.data[t * 8 + i * 4 + 1] * dy.data[t * 10 + i * 5 + 2];
    expect(g.b.data[1 * 5 + 2]).toBeCloseTo(want, 12);
  });

  it("order: one matMul per gradient, then the broadcast batches added from 0 in ascending batch order, bitwise", () => {
    const a3 = rng.tensor([4, 3, 6]);
    const b = rng.tensor([6, 5]);
    const dy = rng.tensor([4, 3, 5]);
    const g = matMulGrad(a3, b, dy);
    expect(bitwiseDiff(g.a, matMul(dy, b, false, true))).toBeUndefined();
    const perBatch = matMul(a3, dy, true, false); // [4, 6, 5]
    const want = new Float64Array(30);
    for (let t = 0; t < 4; t++) for (let e = 0; e < 30; e++) want[e] += perBatch.data[t * 30 + e];
    expect(bitwiseDiff(g.b, { shape: [6, 5], data: want })).toBeUndefined();
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA=%p transposeB=%p: the gradient is the adjoint of the product', (tA, tB) => {
    const a = rng.tensor(tA ? [4, 3] : [3, 4]);
    const b = rng.tensor(tB ? [5, 4] : [4, 5]);
    const dy = rng.tensor([3, 5]);
    const g = matMulGrad(a, b, dy, tA, tB);
    const dot = (u: Tensor64, v: Tensor64) => u.data.reduce((s, x, i) => s + x * v.data[i], 0);
    const y = matMul(a, b, tA, tB);
    expect(dot(y, dy)).toBeCloseTo(dot(a, g.a), 12);
    expect(dot(y, dy)).toBeCloseTo(dot(b, g.b), 12);
  });

  it('rejects a dy of the wrong shape', () => {
    expect(() => matMulGrad(tensor([2, 3]), tensor([3, 4]), tensor([2, 5]))).toThrow(/Error in matMulGrad: dy must have the output shape \[2,4\], got \[2,5\]/);
  });
});
