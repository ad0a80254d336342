/** The backend ids, without loading TensorFlow.js (the CLI parses flags before any backend starts). */
import { parseList } from '../util/usage';

export const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;
export type BackendId = (typeof BACKENDS)[number];

export function parseBackends(list: string): BackendId[] {
  return parseList('--backends', 'backend', list, BACKENDS);
}

/** What `crosscheck bench` times: the backends and the float64 reference. */
export const CONTENDERS = [...BACKENDS, 'reference'] as const;
export type Contender = (typeof CONTENDERS)[number];
