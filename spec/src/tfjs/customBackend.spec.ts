/**
 * Any backend by name (issue 15): a `--register` module that registers a whole
 * backend under a new name is checked with `--backends NAME` like a built-in
 * one, and its planted fault fails; an unknown name lists the built-in backends
 * and the registered ones; a backend whose factory throws is exit 2 naming the module.
 */
import * as path from 'path';
import { crosscheck, ROOT } from '../../helpers/cli';

const FAULTS = path.join(ROOT, 'spec', 'faults');
const custom = path.join(FAULTS, 'custom-backend.js');

describe('a backend registered by a --register module', () => {
  it('is checked by name: its correct kernels pass, its planted Softmax fault fails', () => {
    const r = crosscheck('check', '--ops', 'softmax,maxPool', '--backends', 'cpu,mybackend', '--register', custom);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`${custom.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: backend mybackend \\(new, \\d+ kernels\\)`));
    // maxPool runs cpu's own kernels: the same passes; cpu's known discrepancies (x) are listed for cpu, not for a new backend, so they fail there
    expect(r.out).toMatch(/│ maxPool +│ forward +│ (\d+) (\d+)x +│ \1 \2 FAIL +│/);
    expect(r.out).toMatch(/│ softmax +│ forward +│ 152 +│ \d+ \d+ FAIL +│/);
    expect(r.out).toMatch(/FAIL softmax forward on mybackend: x=\[1,1\] v=limit/);
    expect(r.out).not.toMatch(/FAIL \w+ \S+ on cpu/);
  });

  it('an unknown backend name lists the built-in backends and the registered ones', () => {
    const r = crosscheck('check', '--ops', 'softmax', '--backends', 'nosuch', '--register', custom);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown backend 'nosuch' in --backends. Available: cpu, wasm, tensorflow, webgl, webgl-f16, webgl-unpacked, webgl-noim2col, webgpu, reference, mybackend.");
  });

  it('a module whose backend factory throws is exit 2 naming the module and the backend', () => {
    const mod = path.join(FAULTS, 'backend-factory-throws.js');
    const r = crosscheck('check', '--ops', 'softmax', '--backends', 'cpu', '--register', mod);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--register ${mod}: the backend 'brokenbackend' it registers failed to start: Error: no device found.`);
  });
});
