/** The list of every op spec. Adding an op: one reference file, one spec file, one line here. */
import { parseList } from '../util/usage';
import { dotProductAttentionSpec } from './dotProductAttention';
import { selfAttentionSpec } from './selfAttention';
import { avgPoolSpec } from './avgPool';
import { conv2dSpec } from './conv2d';
import { conv2dTransposeSpec } from './conv2dTranspose';
import { convReluMaxPoolSpec } from './convReluMaxPool';
import { depthwiseConv2dSpec } from './depthwiseConv2d';
import { matMulSpec } from './matMul';
import { feedForwardSpec } from './feedForward';
import { fusedConv2dSpec } from './fusedConv2d';
import { fusedDepthwiseConv2dSpec } from './fusedDepthwiseConv2d';
import { fusedMatMulSpec } from './fusedMatMul';
import { maxPoolSpec } from './maxPool';
import { maxPoolWithArgmaxSpec } from './maxPoolWithArgmax';
import { multiHeadAttentionSpec } from './multiHeadAttention';
import { multiHeadAttentionLayerSpec } from './multiHeadAttentionLayer';
import { poolSpec } from './pool';
import { positionalEncodingSpec } from './positionalEncoding';
import { softmaxSpec } from './softmax';
import { logSoftmaxSpec } from './logSoftmax';
import { AnyOpSpec } from './types';
import { float16StorageKnown } from './float16Storage';

const SPECS: readonly AnyOpSpec[] = [
  conv2dSpec,
  conv2dTransposeSpec,
  depthwiseConv2dSpec,
  maxPoolSpec,
  avgPoolSpec,
  poolSpec,
  maxPoolWithArgmaxSpec,
  convReluMaxPoolSpec,
  matMulSpec,
  softmaxSpec,
  logSoftmaxSpec,
  dotProductAttentionSpec,
  selfAttentionSpec,
  multiHeadAttentionSpec,
  multiHeadAttentionLayerSpec,
  positionalEncodingSpec,
  feedForwardSpec,
  fusedMatMulSpec,
  fusedConv2dSpec,
  fusedDepthwiseConv2dSpec,
];

/** Every op spec, with the discrepancies every op shares (float16 storage, src/ops/float16Storage.ts). */
export const OPS: readonly AnyOpSpec[] = SPECS.map((spec) => ({ ...spec, known: [...spec.known, ...float16StorageKnown(spec)] }));

export function opIds(): string[] {
  return OPS.map((o) => o.id);
}

/** The specs named in a comma-separated list; an unknown name is a UsageError listing what exists. */
export function parseOps(list: string): AnyOpSpec[] {
  return parseList('--ops', 'op', list, opIds()).map((n) => OPS.find((o) => o.id === n)!);
}
