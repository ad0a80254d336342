'use strict';
// BatchMatMul accumulates in a half-precision register (an 11-bit significand)
// instead of float32.
const { replaceKernel, values, make } = require('./kernel');
// the built reference (npm test builds dist/ first)
const { broadcastIndex } = require('../../dist/reference/tensor');

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
    // the batch index of a and of b for each output batch, broadcast as the reference does
    const { shape: batch, aIdx, bIdx } = broadcastIndex('BatchMatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    const av = values(args.backend, a);
    const bv = values(args.backend, b);
    const y = new Float32Array(aIdx.length * m * n);
    for (let t = 0; t < aIdx.length; t++) {
      const ia = aIdx[t];
      const ib = bIdx[t];
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
