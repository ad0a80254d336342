'use strict';
// A module whose backend cannot start: its factory throws (crosscheck must exit 2 naming the module).
exports.register = (tf) => {
  tf.registerBackend('brokenbackend', () => {
    throw new Error('no device found');
  });
};
