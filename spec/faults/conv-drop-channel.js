'use strict';
// Conv2D ignores the last input channel (a loop bound off by one).
const { replaceKernel, values, make, callWith } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'Conv2D', 'cpu', (args, original) => {
    const { x } = args.inputs;
    const c = x.shape[3];
    const xv = Float32Array.from(values(args.backend, x));
    for (let i = c - 1; i < xv.length; i += c) xv[i] = 0;
    return callWith(original, args, { x: make(args.backend, x.shape, xv) });
  });
