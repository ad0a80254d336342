/**
 * Metamorphic checks of the convolution half: relations that must hold whatever
 * the values, run on the reference and on every backend.
 */
import { conv2d } from '../../../reference/Conv2D';
import { maxPool } from '../../../reference/MaxPool';
import { abs, tensor } from '../../../reference/tensor';
import { BACKENDS, useBackend } from '../../../src/tfjs/backends';
import { dotBound } from '../../../src/bounds/gamma';
import { judgeElements } from '../../../src/check/elementwise';
import { Rng } from '../../../src/util/random';
import { tf } from '../../../src/tfjs/tf';

const rng = new Rng(2024);

describe('a 1x1 convolution equals a matMul over channels', () => {
  const x = tensor([2, 5, 7, 6], rng.uniform(2 * 5 * 7 * 6));
  const f = tensor([1, 1, 6, 4], rng.uniform(24));
  const ref = conv2d(x, f, 1, 'valid');
  const bound = dotBound(conv2d(abs(x), abs(f), 1, 'valid').data, 6, false);

  it('in the reference: y[p, co] = sum_ci x[p, ci] f[ci, co]', () => {
    for (let p = 0; p < 2 * 5 * 7; p++) {
      for (let co = 0; co < 4; co++) {
        let s = 0;
        for (let ci = 0; ci < 6; ci++) s += x.data[p * 6 + ci] * f.data[ci * 4 + co];
        expect(ref.data[p * 4 + co]).toBe(s);
      }
    }
  });

  it.each(BACKENDS)('on %s: tf.conv2d and tf.matMul both agree with it within the bound', async (b) => {
    await useBackend(b);
    const [viaConv, viaMatMul] = tf.tidy(() => {
      const xt = tf.tensor4d(Float32Array.from(x.data), [2, 5, 7, 6]);
      const ft = tf.tensor4d(Float32Array.from(f.data), [1, 1, 6, 4]);
      return [tf.conv2d(xt, ft, 1, 'valid').dataSync(), tf.matMul(xt.reshape([70, 6]), ft.reshape([6, 4])).dataSync()];
    });
    expect(judgeElements(ref, bound, { shape: ref.shape, data: viaConv }, false).ok).toBe(true);
    expect(judgeElements(ref, bound, { shape: ref.shape, data: viaMatMul }, false).ok).toBe(true);
  });
});

describe('an impulse with power-of-two taps identifies every tap exactly', () => {
  // filter taps 2^k, distinct; a one-hot image: each output holds one product, exact in float32
  const taps = Array.from({ length: 3 * 4 * 1 * 2 }, (_, k) => 2 ** (k - 10));
  const f = tensor([3, 4, 1, 2], taps);
  const x = tensor([1, 7, 8, 1]);
  x.data[3 * 8 + 4] = 1; // the impulse at (3, 4)
  const check = (y: ArrayLike<number>) => {
    // y[i, j, co] = f[3 - i, 4 - j, 0, co] where the window covers the impulse, else 0
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        for (let co = 0; co < 2; co++) {
          const kh = 3 - i;
          const kw = 4 - j;
          const want = kh >= 0 && kh < 3 && kw >= 0 && kw < 4 ? f.data[(kh * 4 + kw) * 2 + co] : 0;
          expect(y[(i * 5 + j) * 2 + co]).toBe(want);
        }
      }
    }
  };

  it('in the reference', () => {
    check(conv2d(x, f, 1, 'valid').data);
  });

  it.each(BACKENDS)('on %s', async (b) => {
    await useBackend(b);
    check(tf.tidy(() => tf.conv2d(tf.tensor4d(Float32Array.from(x.data), [1, 7, 8, 1]), tf.tensor4d(Float32Array.from(f.data), [3, 4, 1, 2]), 1, 'valid').dataSync()));
  });
});

describe('without ties, the max-pool gradient sums to sum(dy)', () => {
  // distinct positive values: no ties, and no window whose maximum is <= 0 (the wasm bug)
  const n = 2 * 9 * 8 * 3;
  const perm = Array.from({ length: n }, (_, i) => i + 1).sort(() => rng.next() - 0.5);
  const x = tensor([2, 9, 8, 3], perm);
  const y = maxPool(x, 3, 2, 'same');
  const dy = Array.from({ length: y.data.length }, () => rng.int(-9, 9));
  const sum = dy.reduce((a, v) => a + v, 0);

  it.each(BACKENDS)('on %s (overlapping 3x3 windows, stride 2, same)', async (b) => {
    await useBackend(b);
    const dx = tf.tidy(() => tf.grad((v) => tf.maxPool(v as never, 3, 2, 'same'))(tf.tensor4d(perm, [2, 9, 8, 3]), tf.tensor4d(dy, y.shape as [number, number, number, number])).dataSync());
    expect(Array.from(dx).reduce((a, v) => a + v, 0)).toBe(sum);
  });

  it('fails on wasm once the window maxima are negative (the known MaxPoolGrad bug)', async () => {
    await useBackend('wasm');
    const neg = perm.map((v) => -v);
    const dx = tf.tidy(() => tf.grad((v) => tf.maxPool(v as never, 3, 2, 'same'))(tf.tensor4d(neg, [2, 9, 8, 3]), tf.tensor4d(dy, y.shape as [number, number, number, number])).dataSync());
    expect(Array.from(dx).reduce((a, v) => a + v, 0)).not.toBe(sum);
  });
});
