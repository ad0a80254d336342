'use strict';
// FusedConv2D adds its bias along the width axis instead of the channel axis:
// output[n, y, x, c] = act(conv[n, y, x, c] + bias[x mod C]) for an NHWC
// bias of one value per channel (the cpu kernel broadcasts the bias it is given).
const { replaceKernel, values, make, callWith } = require('./kernel');
exports.register = (tf) =>
  replaceKernel(tf, 'FusedConv2D', 'cpu', (args, original) => {
    const { bias, x, filter } = args.inputs;
    if (!bias || bias.shape.length !== 1 || args.attrs.dataFormat === 'NCHW') return original(args);
    const b = values(args.backend, bias);
    const c = filter.shape[3];
    // NOTE: the output width of this call, from the 'valid'/'same' geometry the models use.
    const [sw, fw] = [args.attrs.strides[1] ?? args.attrs.strides, filter.shape[1]];
    const width = args.attrs.pad === 'same' ? Math.ceil(x.shape[2] / sw) : Math.ceil((x.shape[2] - fw + 1) / sw);
    const wrong = make(args.backend, [width, 1], Array.from({ length: width }, (_, w) => b[w % c]));
    return callWith(original, args, { bias: wrong });
  });
