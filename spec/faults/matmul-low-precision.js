'use strict';
// BatchMatMul accumulates in a half-precision register (an 11-bit significand)
// instead of float32.
const { replaceKernel, values, make } = require('./kernel');

/** x rounded to 11 significant bits (IEEE half's significand; its range is not modelled). */
function half(x) {
  if (x === 0 || !Number.isFinite(x)) return x;
  const q = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
  return Math.round(x / q) * q;
}

exports.register = (tf) =>
  replaceKernel(tf, 'BatchMatMul', 'cpu', (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs;
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const m = transposeA ? ac : ar;
    const k = transposeA ? ar : ac;
    const n = transposeB ? br : bc;
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const rank = Math.max(aBatch.length, bBatch.length);
    const pad = (s) => [...new Array(rank - s.length).fill(1), ...s];
    const pa = pad(aBatch);
    const pb = pad(bBatch);
    const batch = pa.map((d, i) => Math.max(d, pb[i]));
    const total = batch.reduce((p, d) => p * d, 1);
    const av = values(args.backend, a);
    const bv = values(args.backend, b);
    const y = new Float32Array(total * m * n);
    for (let t = 0; t < total; t++) {
      // broadcast: the batch index of a and of b for output batch t
      let rest = t;
      let ia = 0;
      let ib = 0;
      let sa = 1;
      let sb = 1;
      for (let d = rank - 1; d >= 0; d--) {
        const i = rest % batch[d];
        rest = Math.floor(rest / batch[d]);
        ia += (pa[d] === 1 ? 0 : i) * sa;
        ib += (pb[d] === 1 ? 0 : i) * sb;
        sa *= pa[d];
        sb *= pb[d];
      }
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) {
            const x = transposeA ? av[ia * m * k + p * m + i] : av[ia * m * k + i * k + p];
            const w = transposeB ? bv[ib * k * n + j * k + p] : bv[ib * k * n + p * n + j];
            acc = half(acc + x * w);
          }
          y[(t * m + i) * n + j] = acc;
        }
    }
    return make(args.backend, [...batch, m, n], y);
  });
