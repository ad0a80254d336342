'use strict';
// A third-party backend as a kernel author would ship one: registered under a
// name of its own ('mybackend'), with every kernel of the cpu backend, and its
// Softmax written without subtracting the row maximum (wrong for logits past
// exp's float32 range, ~88.7) — the planted fault `check --backends mybackend` must find.
const { softmaxNoMax } = require('./softmax-no-max');

exports.register = (tf) => {
  tf.registerBackend('mybackend', tf.findBackendFactory('cpu'));
  for (const k of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...k, backendName: 'mybackend', kernelFunc: k.kernelName === 'Softmax' ? softmaxNoMax : k.kernelFunc });
  }
};
