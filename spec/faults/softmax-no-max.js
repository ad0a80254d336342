'use strict';
// Softmax without subtracting the row maximum: exp overflows float32 for
// logits above ~88.7 (Inf / Inf = NaN) and underflows for very negative rows.
const { replaceKernel, values, make } = require('./kernel');

/** The faulty kernel itself (spec/faults/custom-backend.js ships it in a backend of its own). */
function softmaxNoMax(args) {
  const { logits } = args.inputs;
  const x = values(args.backend, logits);
  const d = logits.shape[logits.shape.length - 1];
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length; r += d) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum = Math.fround(sum + (y[r + j] = Math.fround(Math.exp(x[r + j]))));
    for (let j = 0; j < d; j++) y[r + j] = Math.fround(y[r + j] / sum);
  }
  return make(args.backend, logits.shape, y);
}

exports.softmaxNoMax = softmaxNoMax;
exports.register = (tf) => replaceKernel(tf, 'Softmax', 'cpu', softmaxNoMax);
