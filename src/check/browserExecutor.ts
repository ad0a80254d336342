/**
 * A browser backend as an executor of the runner: each call's inputs go to the
 * page, the page runs the op spec's TF.js call, and the output comes back for
 * the comparison here. Where no browser can be had, every check is
 * `unsupported` with the reason.
 */
import type { AnyOpSpec, OpCase } from '../ops/types';
import type { BrowserBackendId } from '../tfjs/backendIds';
import { BrowserSession } from '../tfjs/browser';
import type { Tensor64 } from '../../reference/tensor';
import type { Executor } from './runner';
import { FLOAT16, FLOAT32 } from '../bounds/gamma';

const inputsOf = (spec: AnyOpSpec, c: OpCase<unknown>) => Object.fromEntries(spec.inputs.map((n) => [n, c.inputs[n]])) as Record<string, Tensor64>;

export function browserExecutor(backend: BrowserBackendId, session: BrowserSession | { unavailable: string }): Executor {
  if (!(session instanceof BrowserSession)) {
    return {
      backend,
      missing: () => ({ names: [], why: session.unavailable }),
      forward: () => Promise.reject(new Error(session.unavailable)),
      grad: () => Promise.reject(new Error(session.unavailable)),
    };
  }
  const kernels = new Set(session.kernels);
  return {
    backend,
    storage: session.env.page.storage === 'float16' ? FLOAT16 : FLOAT32,
    missing: (names) => ({ names: names.filter((k) => !kernels.has(k)) }),
    forward: (spec, c) => session.call({ op: spec.id, inputs: inputsOf(spec, c), params: c.params }),
    grad: (spec, c, input, dy) => session.call({ op: spec.id, input, inputs: inputsOf(spec, c), params: c.params, dy }),
  };
}
