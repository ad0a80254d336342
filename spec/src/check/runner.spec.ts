/**
 * The runner's guards, with executors planted to misbehave: a forward that
 * differs between two calls, a result no GPU program computed, an output of
 * zeros where the reference is not.
 */
import type { Executor, Output } from '../../../src/check/runner';
import { firstDifference, runChecks } from '../../../src/check/runner';
import { matMulSpec } from '../../../src/ops/matMul';
import type { AnyOpSpec, OpCase } from '../../../src/ops/types';

const spec: AnyOpSpec = { ...matMulSpec, grads: [], cases: (seed: number) => matMulSpec.cases(seed).filter((c) => c.id.endsWith('v=rand') && matMulSpec.reference(c).value.data.length > 4).slice(0, 3) };

/** An executor that answers with the reference value rounded to float32, changed by `tamper`. */
function planted(tamper: (out: Output, call: number) => Output): Executor {
  let calls = 0;
  return {
    backend: 'cpu',
    missing: () => ({ names: [] }),
    async forward(s: AnyOpSpec, c: OpCase<unknown>) {
      const v = s.reference(c).value;
      return tamper({ shape: [...v.shape], data: Float32Array.from(v.data) }, calls++);
    },
    grad: () => Promise.reject(new Error('no gradients here')),
  };
}

const run = (ex: Executor) => runChecks({ ops: [spec], backends: [], executors: [ex], seed: 1 });

describe('the runner', () => {
  it('passes an executor that returns the reference rounded to float32 (the plants below start from it)', async () => {
    const records = await run(planted((o) => o));
    expect(records.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('fails a forward whose second call differs from its first, naming both values', async () => {
    const records = await run(planted((o, call) => {
      if (call % 2 === 1) o.data[0] = o.data[0] === 0 ? 1 : o.data[0] * 2;
      return o;
    }));
    for (const r of records) {
      expect(r.status).toBe('fail');
      expect(r.message).toMatch(/^nondeterministic: element 0 was .* on the first call and .* on the second/);
      expect(r.nondeterministic?.index).toBe(0);
    }
    expect(firstDifference({ shape: [2], data: Float32Array.of(0, NaN) }, { shape: [2], data: Float32Array.of(-0, NaN) })).toEqual({ index: 0, first: 0, second: -0 });
  });

  it('makes a result that no GPU program computed an error', async () => {
    const records = await run(planted((o) => ({ ...o, gpuPrograms: 0 })));
    for (const r of records) {
      expect(r.status).toBe('error');
      expect(r.message).toMatch(/no GPU program ran for this call/);
    }
  });

  it('names an output of zeros where the reference is not', async () => {
    const records = await run(planted((o) => ({ ...o, data: new Float32Array(o.data.length) })));
    for (const r of records) {
      expect(r.status).toBe('fail');
      expect(r.message).toMatch(/^the output is all zeros where the reference is not/);
    }
  });
});
