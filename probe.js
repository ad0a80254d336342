const { tf } = require('./dist/src/tf');
const { useBackend } = require('./dist/src/backends');
(async () => {
  for (const b of ['cpu','wasm','tensorflow']) {
    await useBackend(b);
    const g = tf.grad((x) => tf.maxPool(x, 2, 2, 'valid'));
    const tie = Array.from(g(tf.tensor4d([1,1,1,1],[1,2,2,1]), tf.tensor4d([1],[1,1,1,1])).dataSync());
    const tie3 = Array.from(g(tf.tensor4d([0,5,5,1],[1,2,2,1]), tf.tensor4d([1],[1,1,1,1])).dataSync());
    const nanMid = Array.from(tf.maxPool(tf.tensor4d([1,NaN,3,2],[1,2,2,1]),2,2,'valid').dataSync());
    const nanFirst = Array.from(tf.maxPool(tf.tensor4d([NaN,1,3,2],[1,2,2,1]),2,2,'valid').dataSync());
    const allNan = Array.from(tf.maxPool(tf.tensor4d([NaN,NaN,NaN,NaN],[1,2,2,1]),2,2,'valid').dataSync());
    const gnan = Array.from(g(tf.tensor4d([1,NaN,3,2],[1,2,2,1]), tf.tensor4d([1],[1,1,1,1])).dataSync());
    const negInf = Array.from(tf.maxPool(tf.tensor4d([-Infinity,-Infinity,-Infinity,-Infinity],[1,2,2,1]),2,2,'valid').dataSync());
    const ga = tf.grad((x) => tf.avgPool(x, 2, 1, 'same'));
    const avg = Array.from(tf.avgPool(tf.tensor4d([1,2,3,4],[1,2,2,1]),2,1,'same').dataSync());
    // overlapping windows with tie
    const ov = Array.from(tf.grad((x)=>tf.maxPool(x,[2,2],[1,1],'valid'))(tf.tensor4d([1,1,1,1,1,1,1,1,1],[1,3,3,1]), tf.tensor4d([1,2,3,4],[1,2,2,1])).dataSync());
    console.log(b, JSON.stringify({tie, tie3, nanMid, nanFirst, allNan, gnan, negInf, avg, ov}));
    console.log(' kernels', ['MaxPool','MaxPoolGrad','AvgPool','AvgPoolGrad','Conv2DBackpropFilter','Conv2DBackpropInput','Relu'].map(k=>k+':'+!!tf.getKernel(k,b)).join(' '));
  }
})();
