/** The built-in models' ids (src/model/builtins.ts defines them), without loading TF.js: the CLI lists them in its help. */
export const BUILTIN_MODEL_IDS = ['cnn', 'mobilenet', 'transformer'] as const;
