/**
 * Which kernels a backend has, and how TF.js says it lacks one. No TensorFlow.js
 * import: the CLI parent builds the matrix from what the workers report.
 */
import type { BackendId } from './backendIds';

/** Messages by which TF.js says it does not implement something (a kernel, a gradient). */
export const UNSUPPORTED = /not registered|not (yet )?(implemented|supported)|unsupported|supports only|gradient function not found/i;

/** kernel -> backend -> registered */
export type SupportMatrix = Record<string, Record<string, boolean>>;

/** The support matrix from each backend's registered kernel names (as the workers report them). */
export function supportTable(kernels: readonly string[], backends: readonly BackendId[], registered: Partial<Record<BackendId, readonly string[]>>): SupportMatrix {
  return Object.fromEntries(kernels.map((k) => [k, Object.fromEntries(backends.map((b) => [b, registered[b]?.includes(k) ?? false]))]));
}
