/**
 * Known discrepancy #20 (README), shared by every op: the float16 storage of
 * this machine's software GPU. SwiftShader stores +-Inf, and any value beyond
 * float16's range, as NaN in a half-float texture, where IEEE 754's conversion
 * (and numpy's float16) gives +-Inf: an input +-Inf arrives in the kernel as
 * NaN, an overflowing result is read back as NaN.
 */
import type { Tensor64 } from '../../reference/tensor';
import { FLOAT16 } from '../bounds/gamma';
import { AnyOpSpec, KnownDiscrepancy, OpCase, caseTensors } from './types';

/** Whether a case holds +-Inf in an input or a tensor parameter (a mask), after its rounding to float16. */
function holdsInfinity(c: OpCase<unknown>): boolean {
  return caseTensors(c).some((t) => t.data.some((v) => v === Infinity || v === -Infinity));
}

/** Whether the reference result holds a value float16 stores as +-Inf. */
function overflows(expected: Tensor64 | undefined): boolean {
  return expected !== undefined && expected.data.some((v) => !Number.isNaN(v) && Math.abs(v) >= FLOAT16.overflow);
}

export function float16StorageKnown(spec: AnyOpSpec): KnownDiscrepancy<unknown>[] {
  return ['forward', ...spec.grads.map((g) => `grad:${g.input}`)].map((check) => ({
    check,
    backend: 'webgl-f16',
    kind: 'bug',
    when: (c, expected) => holdsInfinity(c) || overflows(expected),
    readme: 20,
    note: 'float16 textures on SwiftShader hold NaN where IEEE 754 gives +-Inf: an input +-Inf, or a result beyond 65504, comes back NaN',
    machine: { note: 'seen with SwiftShader (ANGLE on Vulkan, Chromium 156); a GPU whose half-float stores round to +-Inf passes these cases' },
  }));
}
