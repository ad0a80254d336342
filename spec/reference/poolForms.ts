/**
 * Pooling configurations in every form TF.js accepts, for the pooling specs of
 * spec/reference/: poolConfigs (valid, same) plus numeric and explicit pads
 * (some larger than the window), each rounding mode, dilations and rank-3
 * inputs. Nothing here imports from src/.
 */
import { DimRoundingMode, Padding } from '../../reference/window';
import { PoolConfig, Rng, poolConfigs } from './helpers';

export interface PoolForm extends PoolConfig {
  dimRoundingMode?: DimRoundingMode;
  dilations: [number, number];
  /** Pass x as rank 3 (batch of one). */
  rank3: boolean;
}

export function formId(c: PoolForm): string {
  const r = c.dimRoundingMode ? ` r=${c.dimRoundingMode}` : '';
  return `x=[${c.rank3 ? c.x.slice(1) : c.x}] k=[${c.filterSize}] s=[${c.strides}] p=${JSON.stringify(c.pad)} d=[${c.dilations}]${r}`;
}

/** The x shape a form passes: rank 3 drops the batch of one. */
export function formShape(c: PoolForm): number[] {
  return c.rank3 ? c.x.slice(1) : [...c.x];
}

/** poolConfigs, then numeric and explicit pads with rounding modes, then dilated windows (strides 1). */
export function poolForms(seed = 3, gridSize = 30, dilated = true): PoolForm[] {
  const plain: PoolForm[] = poolConfigs().map((c) => ({ ...c, dilations: [1, 1], rank3: false }));
  const edge: PoolForm[] = [
    // explicit padding larger than the window: the first and last windows hold no real cell
    { x: [1, 3, 3, 1], filterSize: [2, 2], strides: [1, 1], pad: [[0, 0], [3, 3], [0, 2], [0, 0]], dilations: [1, 1], rank3: false },
    // 'ceil' windows that hang past the padded input, one with no real cell (TF.js's pool_test)
    { x: [1, 3, 3, 1], filterSize: [3, 3], strides: [3, 3], pad: [[0, 0], [2, 2], [1, 1], [0, 0]], dimRoundingMode: 'ceil', dilations: [1, 1], rank3: false },
    { x: [1, 3, 3, 1], filterSize: [2, 2], strides: [2, 2], pad: 1, dimRoundingMode: 'ceil', dilations: [1, 1], rank3: false },
    { x: [1, 5, 5, 2], filterSize: [2, 2], strides: [2, 2], pad: 0, dimRoundingMode: 'round', dilations: [1, 1], rank3: false },
    { x: [1, 4, 5, 2], filterSize: [3, 3], strides: [1, 1], pad: 'same', dilations: [1, 1], rank3: true },
  ];
  const rng = new Rng(seed);
  const grid: PoolForm[] = [];
  const modes: (DimRoundingMode | undefined)[] = [undefined, 'floor', 'round', 'ceil'];
  while (grid.length < gridSize) {
    const x: PoolForm['x'] = [rng.int(1, 2), rng.int(1, 8), rng.int(1, 8), rng.int(1, 3)];
    const k = rng.int(1, 4);
    const s = rng.int(1, 3);
    const explicit = rng.next() < 0.5;
    const pad: Padding = explicit ? [[0, 0], [rng.int(0, 3), rng.int(0, 3)], [rng.int(0, 3), rng.int(0, 3)], [0, 0]] : rng.int(0, 3);
    const [padH, padW] = typeof pad === 'number' ? [2 * pad, 2 * pad] : [pad[1][0] + pad[1][1], pad[2][0] + pad[2][1]];
    const kw = explicit ? rng.int(1, 4) : k;
    const sw = explicit ? rng.int(1, 3) : s;
    const mode = rng.pick(modes);
    // an output size of at least 1 on both axes, whatever the rounding
    if (x[1] + padH < k || x[2] + padW < kw) continue;
    grid.push({ x, filterSize: [k, kw], strides: [s, sw], pad, dimRoundingMode: mode, dilations: [1, 1], rank3: x[0] === 1 && rng.next() < 0.3 });
  }
  const dil: PoolForm[] = [];
  while (dilated && dil.length < gridSize / 2) {
    const x: PoolForm['x'] = [rng.int(1, 2), rng.int(2, 8), rng.int(2, 8), rng.int(1, 3)];
    const d: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const k: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const pad = rng.pick<Padding>(['valid', 'same', 1, [[0, 0], [1, 0], [0, 2], [0, 0]]]);
    const [padH, padW] = pad === 'valid' || pad === 'same' ? [0, 0] : typeof pad === 'number' ? [2 * pad, 2 * pad] : [pad[1][0] + pad[1][1], pad[2][0] + pad[2][1]];
    if (pad !== 'same' && ((k[0] - 1) * d[0] + 1 > x[1] + padH || (k[1] - 1) * d[1] + 1 > x[2] + padW)) continue;
    dil.push({ x, filterSize: k, strides: [1, 1], pad, dilations: d, rank3: false });
  }
  return [...plain, ...edge, ...grid, ...dil];
}
