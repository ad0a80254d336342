/**
 * Property-based fuzzing (fast-check) of every op on every backend, bounded for
 * `npm test`; `crosscheck check --fuzz N` runs more on demand.
 */
import { BACKENDS } from '../../../src/tfjs/backendIds';
import { fuzzOp } from '../../../src/check/fuzz';
import { nodeExecutor } from '../../../src/check/runner';
import { OPS } from '../../../src/ops';
import { conv2dSpec } from '../../../src/ops/conv2d';
import { OpSpec } from '../../../src/ops/types';

const RUNS = 25;

describe.each(OPS.map((op) => [op.id, op] as const))('fuzzing %s', (_id, op) => {
  it(`${RUNS} fast-check cases on every backend find no mismatch outside the known discrepancies`, async () => {
    const r = await fuzzOp(op, BACKENDS.map((b) => nodeExecutor(b)), RUNS, 1);
    expect(r).toBeDefined();
    expect(r!.runs).toBeGreaterThanOrEqual(RUNS);
    expect(r!.counterexample?.records.map((x) => `${x.case} ${x.backend} ${x.check}: ${x.message ?? x.errToBound}`) ?? []).toEqual([]);
    expect(r!.failed).toBe(false);
  }, 300000);
});

describe('the fuzzer can fail', () => {
  type P = Parameters<(typeof conv2dSpec)['tfjs']>[2];
  it('finds a planted fault (strides swapped) and shrinks it to a small case with a replay command', async () => {
    const planted: OpSpec<P> = {
      ...conv2dSpec, id: 'conv2d-strides-swapped', grads: [], known: [],
      tfjs: (tf, [x, f], p) => tf.conv2d(x as never, f as never, [p.strides[1], p.strides[0]], p.pad, 'NHWC', p.dilations),
    };
    const r = (await fuzzOp(planted, [nodeExecutor('cpu')], 100, 3))!;
    expect(r.failed).toBe(true);
    expect(r.counterexample!.records.length).toBeGreaterThan(0);
    // shrunk: a single small image (fast-check moves every dimension toward its minimum)
    const [b, h, w] = r.counterexample!.inputs.x.shape;
    expect(b * h * w).toBeLessThanOrEqual(12);
    expect(r.replay).toBe('npx crosscheck check --ops conv2d-strides-swapped --backends cpu --fuzz 100 --seed 3');
  }, 120000);
});
