'use strict';
// Conv2D steps its windows one pixel too far along the width (stride s + 1).
const { replaceKernel } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'Conv2D', 'cpu', (args, original) => {
    const s = typeof args.attrs.strides === 'number' ? [args.attrs.strides, args.attrs.strides] : args.attrs.strides;
    return original({ ...args, attrs: { ...args.attrs, strides: [s[0], s[1] + 1] } });
  });
