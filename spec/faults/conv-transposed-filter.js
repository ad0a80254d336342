'use strict';
// Conv2D reads the filter as [kw, kh, in, out]: its two spatial axes swapped.
const { replaceKernel, values, make, callWith } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'Conv2D', 'cpu', (args, original) => {
    const { filter } = args.inputs;
    const [kh, kw, ci, co] = filter.shape;
    const f = values(args.backend, filter);
    const t = new Float32Array(f.length);
    const inner = ci * co;
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let k = 0; k < inner; k++) t[(b * kh + a) * inner + k] = f[(a * kw + b) * inner + k];
    return callWith(original, args, { filter: make(args.backend, [kw, kh, ci, co], t) });
  });
