'use strict';
// A third-party backend as a kernel author would ship one: registered under a
// name of its own ('mybackend'), with every kernel of the cpu backend, and its
// Softmax written without subtracting the row maximum (wrong for logits past
// exp's float32 range, ~88.7) — the planted fault `check --backends mybackend` must find.
const { values, make } = require('./kernel');

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

exports.register = (tf) => {
  tf.registerBackend('mybackend', tf.findBackendFactory('cpu'));
  for (const k of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...k, backendName: 'mybackend', kernelFunc: k.kernelName === 'Softmax' ? softmaxNoMax : k.kernelFunc });
  }
};
