import { ArgumentError, abs, broadcastIndex, expectDyShape, expectRank, pair, permute, reshape, sizeOf, tensor } from '../../reference/tensor';

describe('tensor and its shape helpers', () => {
  it('tensor() is zero-filled or copies its data; a length mismatch names the op', () => {
    expect(Array.from(tensor([2, 2]).data)).toEqual([0, 0, 0, 0]);
    const src = [1, 2, 3];
    const t = tensor([3], src);
    src[0] = 9;
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow(/Error in tensor: data has 3 values but shape \[2,2\] needs 4/);
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow(ArgumentError);
  });

  it('sizeOf of a scalar shape is 1; abs keeps signs of nothing', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(Array.from(abs(tensor([3], [-1.5, -0, 2])).data)).toEqual([1.5, 0, 2]);
    expect(Object.is(abs(tensor([1], [-0])).data[0], 0)).toBe(true);
  });

  it('pair() accepts a number or [h, w] of positive integers', () => {
    expect(pair('op', 'strides', 2)).toEqual([2, 2]);
    expect(pair('op', 'strides', [1, 3])).toEqual([1, 3]);
    expect(() => pair('op', 'strides', [1, 2, 3] as never)).toThrow(/Error in op: strides must be a number or a pair \[h, w\], got \[1,2,3\]/);
    expect(() => pair('op', 'strides', 'x' as never)).toThrow(/Error in op: strides must be a number or a pair \[h, w\], got "x"/);
    expect(() => pair('op', 'dilations', [0, 1])).toThrow(/Error in op: dilations must be positive integers, got \[0,1\]/);
  });

  it('expectRank checks the rank and the length of the data', () => {
    expect(() => expectRank('op', 'x', tensor([2, 2]), 3)).toThrow(/Error in op: x must be rank 3, got rank 2 \(shape \[2,2\]\)/);
    expect(() => expectRank('op', 'x', { shape: [2], data: new Float64Array(3) }, 1)).toThrow(/Error in op: x has 3 values but shape \[2\] needs 2/);
  });

  it('expectDyShape checks the rank, then every dimension', () => {
    expect(() => expectDyShape('op', tensor([2, 3]), [2, 3])).not.toThrow();
    expect(() => expectDyShape('op', tensor([3, 3]), [1, 3, 3])).toThrow(/Error in op: dy must be rank 3, got rank 2/);
    expect(() => expectDyShape('op', tensor([2, 4]), [2, 3])).toThrow(/Error in op: dy must have the output shape \[2,3\], got \[2,4\]/);
  });

  it('permute is tf.transpose; reshape keeps the data', () => {
    const t = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const p = permute(t, [1, 0]);
    expect(p.shape).toEqual([3, 2]);
    expect(Array.from(p.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(reshape(t, [3, 2]).data).toBe(t.data);
    expect(() => reshape(t, [4, 2])).toThrow(/Error in reshape: cannot reshape \[2,3\] to \[4,2\]/);
  });

  it('broadcastIndex follows NumPy broadcasting', () => {
    const b = broadcastIndex('op', [2, 1], [3]);
    expect(b.shape).toEqual([2, 3]);
    expect(Array.from(b.aIdx)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(b.bIdx)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(() => broadcastIndex('op', [2], [3])).toThrow(/Error in op: shapes \[2\] and \[3\] do not broadcast/);
  });
});
