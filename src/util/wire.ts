/**
 * Values across the Node <-> browser page boundary: JSON in which Float64Array
 * and Float32Array travel as base64 of their bytes (exact), and NaN, +-Infinity
 * and -0 as tagged strings. Runs in Node and in the page alike.
 */
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const bytesOf = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function toWire(v: unknown): string {
  return JSON.stringify(v, function (this: Record<string, unknown>, key, x) {
    const raw = this[key];
    if (raw instanceof Float64Array) return { __f64: toBase64(bytesOf(raw)) };
    if (raw instanceof Float32Array) return { __f32: toBase64(bytesOf(raw)) };
    if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0))) return { __num: Object.is(raw, -0) ? '-0' : String(raw) };
    return x;
  });
}

export function fromWire<T>(s: string): T {
  return JSON.parse(s, (_k, x) => {
    if (x && typeof x === 'object') {
      if (typeof x.__f64 === 'string') return new Float64Array(fromBase64(x.__f64).buffer);
      if (typeof x.__f32 === 'string') return new Float32Array(fromBase64(x.__f32).buffer);
      if (typeof x.__num === 'string') return x.__num === '-0' ? -0 : Number(x.__num);
    }
    return x;
  }) as T;
}
