/**
 * Loads tfjs-layers' MultiHeadAttention layer, which @tensorflow/tfjs-layers
 * 4.22 ships under dist/layers/nlp/ but does not export from its index, and
 * only as ES modules (no CommonJS build of that file). We transpile those
 * files to CommonJS on require with the TypeScript compiler (a dev dependency of
 * this project), for files under @tensorflow/tfjs-layers/dist only, so that the
 * layer runs on the suite's own tfjs-core instance.
 */
import * as fs from 'fs';
import * as path from 'path';

type Loader = (module: NodeJS.Module & { _compile(code: string, file: string): void }, filename: string) => void;

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-layers/dist/index.js'));
  const exts = require.extensions as unknown as Record<string, Loader>;
  const original = exts['.js'];
  exts['.js'] = (module, filename) => {
    if (!filename.startsWith(dist + path.sep) || filename.endsWith('tf-layers.node.js')) return original(module, filename);
    const source = fs.readFileSync(filename, 'utf8');
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true }, fileName: filename });
    module._compile(out.outputText, filename);
  };
}

export interface MultiHeadAttentionLayer {
  apply(inputs: unknown, kwargs: Record<string, unknown>): unknown;
  call(query: unknown, kwargs: Record<string, unknown>): unknown;
  buildFromSignature(q: number[], v: number[], k?: number[] | null): void;
  setWeights(weights: unknown[]): void;
  getWeights(): { shape: number[] }[];
  dispose(): void;
}

/** The MultiHeadAttention class of tfjs-layers (dist/layers/nlp/multihead_attention.js). */
export function loadMultiHeadAttention(): new (args: Record<string, unknown>) => MultiHeadAttentionLayer {
  install();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs-layers/dist/layers/nlp/multihead_attention.js').MultiHeadAttention;
}
