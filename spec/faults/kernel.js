'use strict';
/**
 * Helpers for the planted faults: each fault module replaces one kernel of the
 * `cpu` backend through the public kernel registry, as a kernel author would
 * with `crosscheck check --register MODULE`.
 */

/** Replaces `kernelName` on `backendName`; `fn(args, original)` is the new kernel. */
function replaceKernel(tf, kernelName, backendName, fn) {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) throw new Error(`${kernelName} is not registered on ${backendName}`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: (args) => fn(args, original.kernelFunc) });
}

/** The values of a tensor on the cpu backend. */
function values(backend, t) {
  return backend.readSync(t.dataId);
}

/** A new float32 tensor on the cpu backend. */
function make(backend, shape, data) {
  return backend.makeTensorInfo(shape, 'float32', Float32Array.from(data));
}

/** Runs the original kernel on replaced inputs, then frees the replacements. */
function callWith(original, args, inputs) {
  const made = Object.keys(inputs).map((k) => inputs[k]);
  try {
    return original({ ...args, inputs: { ...args.inputs, ...inputs } });
  } finally {
    for (const t of made) args.backend.disposeIntermediateTensorInfo(t);
  }
}

/** Applies `f` to every value of the kernel's output. */
function mapOutput(backend, out, f) {
  const y = make(backend, out.shape, Array.from(values(backend, out), f));
  backend.disposeIntermediateTensorInfo(out);
  return y;
}

module.exports = { replaceKernel, values, make, callWith, mapOutput };
