/**
 * The page's MultiHeadAttention: the same class src/tfjs/layersLoader.ts loads in
 * Node, imported from tfjs-layers' ES module (scripts/bundle.js swaps it in).
 */
import { MultiHeadAttention } from '@tensorflow/tfjs-layers/dist/layers/nlp/multihead_attention.js';
import type { MultiHeadAttentionLayer } from './layersLoader';

export type { MultiHeadAttentionLayer };

export function loadMultiHeadAttention(): new (args: Record<string, unknown>) => MultiHeadAttentionLayer {
  return MultiHeadAttention as unknown as new (args: Record<string, unknown>) => MultiHeadAttentionLayer;
}
