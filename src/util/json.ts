/** JSON with NaN and +-Infinity spelled out, so that records survive a pipe between processes. */
export function encode(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `__num:${x}` : x));
}

export function decode<T>(s: string): T {
  return JSON.parse(s, (_k, x) => (typeof x === 'string' && x.startsWith('__num:') ? Number(x.slice(6)) : x)) as T;
}
