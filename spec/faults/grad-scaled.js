'use strict';
// Conv2DBackpropInput (the input gradient of conv2d) comes out 0.1% too large.
const { replaceKernel, mapOutput } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'Conv2DBackpropInput', 'cpu', (args, original) => mapOutput(args.backend, original(args), (v) => v * 1.001));
