'use strict';
// MaxPoolGrad sends the gradient of a window with tied maxima to the last
// maximum instead of the first (a '>=' where '>' belongs).
const { replaceKernel, values, make } = require('./kernel');

function padBefore(pad, size, k, s, out) {
  if (pad === 'valid') return 0;
  if (pad === 'same') return Math.floor(Math.max((out - 1) * s + k - size, 0) / 2);
  if (typeof pad === 'number') return pad;
  throw new Error(`maxpool-ties-last: padding ${JSON.stringify(pad)} is not handled`);
}

exports.register = (tf) =>
  replaceKernel(tf, 'MaxPoolGrad', 'cpu', (args) => {
    const { dy, input } = args.inputs;
    const pair = (v) => (typeof v === 'number' ? [v, v] : v);
    const [kH, kW] = pair(args.attrs.filterSize);
    const [sH, sW] = pair(args.attrs.strides);
    const [n, inH, inW, c] = input.shape;
    const [, outH, outW] = dy.shape;
    const top = padBefore(args.attrs.pad, inH, kH, sH, outH);
    const left = padBefore(args.attrs.pad, inW, kW, sW, outW);
    const x = values(args.backend, input);
    const g = values(args.backend, dy);
    const dx = new Float32Array(x.length);
    for (let b = 0; b < n; b++)
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++)
          for (let ch = 0; ch < c; ch++) {
            let best = -1;
            for (let i = 0; i < kH; i++) {
              const ih = oh * sH + i - top;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kW; j++) {
                const iw = ow * sW + j - left;
                if (iw < 0 || iw >= inW) continue;
                const at = ((b * inH + ih) * inW + iw) * c + ch;
                if (best < 0 || x[at] >= x[best]) best = at;
              }
            }
            if (best >= 0) dx[best] += g[((b * outH + oh) * outW + ow) * c + ch];
          }
    return make(args.backend, input.shape, dx);
  });
