/**
 * The layout rules of src/ (README, "Layout"): no import circle between files,
 * and no import from a lower layer up to a higher one. The reference imports
 * nothing of the harness.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Lower layers first; a file may import from its own layer or below. */
const LAYERS: Record<string, number> = {
  reference: 0,
  util: 1,
  tfjs: 2,
  bounds: 2,
  ops: 3,
  check: 4,
  bench: 5,
  compare: 5,
  model: 5,
  cli: 6,
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The folder that names a file's layer: `src/check/runner.ts` -> check, `src/cli.ts` -> cli, `reference/X.ts` -> reference. */
function layerOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'reference') return 'reference';
  return rel.length === 2 ? path.basename(rel[1], '.ts') : rel[1];
}

/** Relative imports (static, dynamic and type-only) of a file, resolved to files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    if (!hit) throw new Error(`${path.relative(ROOT, file)} imports '${s}', which is not a file`);
    return hit;
  });
}

/** Every import `from -> to` where `to` sits in a higher layer than `from`. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [f, deps] of graph) for (const d of deps) if (LAYERS[layerOf(d)] > LAYERS[layerOf(f)]) out.push(`${path.relative(ROOT, f)} -> ${path.relative(ROOT, d)}`);
  return out;
}

/** Import circles, by depth-first search: a back edge to a file on the current path closes one. */
function circles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const out: string[] = [];
  const visit = (f: string, trail: string[]) => {
    state.set(f, 'open');
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') out.push([...trail.slice(trail.indexOf(d)), d].map((x) => path.relative(ROOT, x)).join(' -> '));
      else if (!state.has(d)) visit(d, [...trail, d]);
    }
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f, [f]);
  return out;
}

const files = [...walk(path.join(ROOT, 'src')), ...walk(path.join(ROOT, 'reference'))];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('src/ layout', () => {
  it('puts every file in a known layer', () => {
    const unknown = files.filter((f) => !(layerOf(f) in LAYERS)).map((f) => path.relative(ROOT, f));
    expect(unknown).toEqual([]);
  });

  it('never imports from a higher layer', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('the rules find a planted circle and a planted upward import', () => {
    const ops = path.join(ROOT, 'src', 'ops', 'a.ts');
    const check = path.join(ROOT, 'src', 'check', 'b.ts');
    const planted = new Map([[ops, [check]], [check, [ops]]]);
    expect(upwardImports(planted)).toEqual(['src/ops/a.ts -> src/check/b.ts']);
    expect(circles(planted)).toEqual(['src/ops/a.ts -> src/check/b.ts -> src/ops/a.ts']);
  });
});
