'use strict';
// A wrong Softmax for the webgl backend: relu of the logits (a GPU program, so
// the result still comes from the webgl kernel). Registered in the page by
// `--register` like any kernel author's module; the kernel is looked up when it
// runs, so registering it in Node (where webgl has no kernels) is harmless.
exports.register = (tf) =>
  tf.registerKernel({
    kernelName: 'Softmax',
    backendName: 'webgl',
    kernelFunc: (args) => tf.getKernel('Relu', 'webgl').kernelFunc({ ...args, inputs: { x: args.inputs.logits }, attrs: {} }),
  });
