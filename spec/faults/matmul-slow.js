'use strict';
// BatchMatMul gives the right answer 25% more slowly: after the original kernel
// it spins for a quarter of the time that kernel took.
const { replaceKernel } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'BatchMatMul', 'cpu', (args, original) => {
    const t0 = process.hrtime.bigint();
    const out = original(args);
    const spent = process.hrtime.bigint() - t0;
    const until = process.hrtime.bigint() + spent / 4n;
    while (process.hrtime.bigint() < until);
    return out;
  });
