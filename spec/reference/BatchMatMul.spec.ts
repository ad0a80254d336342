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

/** The output batch index of flat batch t, mapped into a side's batch by NumPy broadcasting (written out here, apart from tensor.ts). */
function sideBatch(t: number, out: number[], side: number[]): number {
  const padded = [...new Array<number>(out.length - side.length).fill(1), ...side];
  let rest = t;
  let idx = 0;
  let stride = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    const i = rest % out[d];
    rest = Math.floor(rest / out[d]);
    idx += (padded[d] === 1 ? 0 : i) * stride;
    stride *= padded[d];
  }
  return idx;
}

describe('matMul of any rank, batches broadcast on either side or both', () => {
  it('by hand: [2,1,1,2] x [1,3,2,1] is [2,3,1,1], each a (row of a[i]) . (column of b[j])', () => {
    const a = tensor([2, 1, 1, 2], [1, 2, 3, 4]);
    const b = tensor([1, 3, 2, 1], [1, -1, 2, 0, 3, 1]);
    const y = matMul(a, b);
    expect(y.shape).toEqual([2, 3, 1, 1]);
    // rows [1,2] and [3,4]; columns [1,-1], [2,0], [3,1]
    expect(Array.from(y.data)).toEqual([-1, 2, 5, -1, 6, 13]);
  });

  it.each([
    [[2, 1, 3, 4], [1, 5, 4, 2], false, false, [2, 5]],
    [[2, 1, 2, 3, 4], [4, 2], false, false, [2, 1, 2]],
    [[3, 4], [2, 1, 3, 4, 2], false, false, [2, 1, 3]],
    [[3, 1, 4, 3], [2, 5, 4], true, true, [3, 2]],
    [[1, 3, 1, 2, 4], [2, 1, 2, 4, 3], false, false, [2, 3, 2]],
    [[2, 3, 1, 3, 4], [3, 2, 2, 4], false, true, [2, 3, 2]],
  ] as const)('a=%j b=%j tA=%p tB=%p: batch %j, each element summed from 0 in ascending p, bitwise', (as, bs, tA, tB, batch) => {
    const a = rng.tensor(as);
    const b = rng.tensor(bs);
    const y = matMul(a, b, tA, tB);
    const m = tA ? as[as.length - 1] : as[as.length - 2];
    const k = tA ? as[as.length - 2] : as[as.length - 1];
    const n = tB ? bs[bs.length - 2] : bs[bs.length - 1];
    expect(y.shape).toEqual([...batch, m, n]);
    const total = batch.reduce((x: number, z: number) => x * z, 1);
    const want = new Float64Array(total * m * n);
    for (let t = 0; t < total; t++) {
      const ta = sideBatch(t, [...batch], as.slice(0, -2));
      const tb = sideBatch(t, [...batch], bs.slice(0, -2));
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += at(a, ta, i, p, tA) * at(b, tb, p, j, tB);
        want[(t * m + i) * n + j] = sum;
      }
    }
    expect(bitwiseDiff(y, { shape: y.shape, data: want })).toBeUndefined();
  });

  it('empty dimensions: k = 0 gives zeros, m = 0 or a batch of 0 an empty output', () => {
    expect(Array.from(matMul(tensor([2, 0]), tensor([0, 3])).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(matMul(tensor([0, 3]), tensor([3, 2])).shape).toEqual([0, 2]);
    const y = matMul(tensor([0, 2, 3]), tensor([3, 2]));
    expect(y.shape).toEqual([0, 2, 2]);
    expect(y.data.length).toBe(0);
  });

  it('rejects batches that do not broadcast, at rank 4', () => {
    expect(() => matMul(tensor([2, 3, 2, 2]), tensor([3, 2, 2, 2]))).toThrow(/Error in matMul: batch dimensions of a \[2,3,2,2\] and b \[3,2,2,2\] do not broadcast/);
  });
});

describe('matMulGrad under broadcast batches', () => {
  it.each([
    [[2, 1, 3, 4], [1, 5, 4, 2], false, false],
    [[3, 1, 4, 3], [2, 5, 4], true, true],
    [[3, 4], [2, 1, 3, 4, 2], false, false],
    [[2, 1, 2, 3, 4], [1, 2, 4], false, true],
  ] as const)('a=%j b=%j tA=%p tB=%p: the gradients have the input shapes and are the adjoint of the product', (as, bs, tA, tB) => {
    const a = rng.tensor(as);
    const b = rng.tensor(bs);
    const y = matMul(a, b, tA, tB);
    const dy = rng.tensor(y.shape);
    const g = matMulGrad(a, b, dy, tA, tB);
    expect(g.a.shape).toEqual([...as]);
    expect(g.b.shape).toEqual([...bs]);
    const dot = (u: Tensor64, v: Tensor64) => u.data.reduce((s, x, i) => s + x * v.data[i], 0);
    expect(dot(a, g.a)).toBeCloseTo(dot(y, dy), 12);
    expect(dot(b, g.b)).toBeCloseTo(dot(y, dy), 12);
  });

  it('a broadcast on both sides: db[0, j] sums the per-batch gradients over every batch that used b[0, j], from 0 in ascending batch order, bitwise', () => {
    const a = rng.tensor([2, 1, 3, 4]);
    const b = rng.tensor([1, 5, 4, 2]);
    const dy = rng.tensor([2, 5, 3, 2]);
    const g = matMulGrad(a, b, dy);
    const per = matMul(a, dy, true, false); // [2, 5, 4, 2]: batch (i, j) uses a[i, 0] and b[0, j]
    const want = new Float64Array(5 * 8);
    for (let t = 0; t < 10; t++) for (let e = 0; e < 8; e++) want[(t % 5) * 8 + e] += per.data[t * 8 + e];
    expect(bitwiseDiff(g.b, { shape: [1, 5, 4, 2], data: want })).toBeUndefined();
  });
});
