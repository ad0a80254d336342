'use strict';
// Conv2D pads one row too many at the top and one too few at the bottom: the
// image is read one row lower than it is.
const { replaceKernel, values, make, callWith } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'Conv2D', 'cpu', (args, original) => {
    const { x } = args.inputs;
    const [n, h, w, c] = x.shape;
    const xv = values(args.backend, x);
    const shifted = new Float32Array(xv.length);
    const row = w * c;
    for (let b = 0; b < n; b++) for (let r = 1; r < h; r++) shifted.set(xv.subarray((b * h + r - 1) * row, (b * h + r) * row), (b * h + r) * row);
    return callWith(original, args, { x: make(args.backend, x.shape, shifted) });
  });
