/**
 * Image layouts: the window loops of this folder read rank-4 NHWC tensors; an
 * NCHW or an unbatched (rank-3) argument is brought to that form and the result
 * taken back. Both moves only copy values (no arithmetic), so the loops' order,
 * and every bit of the result, is the same in every layout.
 */
import { ArgumentError, Shape, Tensor64, permute, reshape, sizeOf } from './tensor';
import { DATA_FORMATS, DataFormat } from './window';

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];

/** Checks a data format argument. */
export function checkDataFormat(op: string, dataFormat: DataFormat): void {
  if (!DATA_FORMATS.includes(dataFormat)) {
    throw new ArgumentError(op, `dataFormat must be one of ${DATA_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(dataFormat)}.`);
  }
}

/** An image argument as the loops read it (rank 4, NHWC), and the way back to the caller's layout. */
export interface Image {
  /** The image as `[batch, height, width, channels]`. */
  nhwc: Tensor64;
  /** A result computed in NHWC, in the caller's layout and rank. */
  back(y: Tensor64): Tensor64;
}

/** The shape `[batch, height, width, channels]` of an image shape given in `dataFormat`, rank 3 (unbatched) or 4. */
export function nhwcShape(op: string, name: string, shape: Shape, dataFormat: DataFormat): number[] {
  checkDataFormat(op, dataFormat);
  if (shape.length !== 3 && shape.length !== 4) {
    throw new ArgumentError(op, `${name} must be rank 4 or rank 3 (unbatched), got rank ${shape.length} (shape [${shape.join(',')}]).`);
  }
  const s4 = shape.length === 3 ? [1, ...shape] : [...shape];
  return dataFormat === 'NHWC' ? s4 : TO_NHWC.map((a) => s4[a]);
}

/**
 * `t`, an image in `dataFormat` of rank 4 or 3 (then batch 1, as TF.js reads
 * it), as NHWC rank 4; `back` returns a result to `t`'s layout and rank.
 */
export function asImage(op: string, name: string, t: Tensor64, dataFormat: DataFormat = 'NHWC'): Image {
  const shape = nhwcShape(op, name, t.shape, dataFormat);
  if (t.data.length !== sizeOf(t.shape)) throw new ArgumentError(op, `${name} has ${t.data.length} values but shape [${t.shape.join(',')}] needs ${sizeOf(t.shape)}.`);
  const unbatched = t.shape.length === 3;
  const t4 = unbatched ? reshape(t, [1, ...t.shape]) : t;
  const nhwc = dataFormat === 'NHWC' ? t4 : permute(t4, TO_NHWC);
  return {
    nhwc: { shape: shape, data: nhwc.data },
    back(y) {
      const y4 = dataFormat === 'NHWC' ? y : permute(y, TO_NCHW);
      return unbatched ? reshape(y4, y4.shape.slice(1)) : y4;
    },
  };
}
