/**
 * The command line as a user runs it: the built bin/crosscheck.js in a child
 * process (`npm test` builds first).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { opIds } from '../../src/ops';
import { crosscheck, interrupted } from '../helpers/cli';



describe('crosscheck check: bad usage exits 2 and says what is accepted', () => {
  it.each([
    [['check', '--backends', 'nope'], /Unknown backend 'nope' in --backends\. Available: cpu, wasm, tensorflow, webgl, webgl-f16, webgl-unpacked, webgl-noim2col, webgpu, reference\./],
    [['check', '--ops', 'nope'], new RegExp(`Unknown op 'nope' in --ops\\. Available: ${opIds().join(', ')}\\.`)],
    [['check', '--ops', ','], /--ops is empty\. Available: conv2d/],
    [['check', '--seed', 'abc'], /--seed must be an integer from 0 to 4294967295, got 'abc'/],
    [['check', '--fuzz', 'many'], /--fuzz must be a non-negative integer, got 'many'/],
    [['check', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['check', '--case', 'no such case'], new RegExp(`--case 'no such case' matches no case of ${opIds().join(', ')} with --seed 1`)],
    [['check', '--json', '/nonexistent-dir/out.json'], /--json \/nonexistent-dir\/out\.json: directory \/nonexistent-dir does not exist or is not writable/],
  ])('%j', (args, message) => {
    const r = crosscheck(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('crosscheck check --json', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscheck-cli-'));
  const file = path.join(dir, 'out.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs conv2d on all three backends and writes results with the env block', () => {
    const r = crosscheck('check', '--ops', 'conv2d', '--json', file);
    expect(r.err).not.toMatch(/Error:|TypeError|at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tfjs 4\.22\.0, native TensorFlow \d+\.\d+\.\d+, seed 1: \d+ checks on cpu, wasm, tensorflow in [\d.]+ s — \d+ pass, 0 fail, \d+ unsupported, 0 error, \d+ xfail$/m);
    expect(r.out).toMatch(/│ op +│ check +│ cpu +│ wasm +│ tensorflow +│ worst err\/bound │/);
    // cpu: passes and #25; wasm: #1, #25, #46 and NCHW unsupported; grad:filter: no wasm kernel
    expect(r.out).toMatch(/│ conv2d +│ forward +│ \d+ \d+x +│ \d+ \d+x \d+u +│ \d+ \d+x \d+u +│/);
    expect(r.out).toMatch(/│ conv2d +│ grad:filter +│ \d+ \d+x \d+u +│ \d+x \d+u +│/);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.schema).toBe('tfjs-crosscheck/check@1');
    expect(doc.env.tensorflow).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.env.tfjs['tfjs-core']).toBe('4.22.0');
    expect(doc.env.cpu.cores).toBeGreaterThan(0);
    expect(doc.supportMatrix.Conv2D).toEqual({ cpu: true, wasm: true, tensorflow: true });
    const statuses = new Set(doc.results.map((x: { status: string }) => x.status));
    for (const s of statuses) expect(['pass', 'fail', 'unsupported', 'xfail']).toContain(s);
    for (const b of ['cpu', 'wasm', 'tensorflow']) {
      expect(doc.results.filter((x: { backend: string }) => x.backend === b).length).toBeGreaterThanOrEqual(150);
    }
    const xf = doc.results.find((x: { status: string; exact: boolean; check: string }) => x.status === 'xfail' && x.exact && x.check === 'forward');
    expect(xf.errToBound).toBe('Infinity'); // JSON spells out non-finite numbers
    expect(xf.replay).toMatch(/^npx crosscheck check --ops conv2d --case '.*' --backends \w+ --seed 1$/);
  });

  it('never overwrites a result file without --force', () => {
    const before = fs.readFileSync(file, 'utf8');
    const r = crosscheck('check', '--ops', 'conv2d', '--backends', 'cpu', '--json', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the file exists; pass --force to overwrite it/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    const forced = crosscheck('check', '--ops', 'conv2d', '--backends', 'cpu', '--json', file, '--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).args.backends).toEqual(['cpu']);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--fuzz runs fast-check cases after the grid and reports them', () => {
    const r = crosscheck('check', '--ops', 'matMul', '--backends', 'cpu', '--fuzz', '5', '--json', path.join(dir, 'fuzz.json'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Fuzzing \(fast-check, 5 cases per op, seed 1, on cpu\):\n  matMul: \d+ cases run, no failure/);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'fuzz.json'), 'utf8'));
    expect(doc.fuzz[0]).toMatchObject({ op: 'matMul', failed: false, seed: 1 });
  });

  it('an interrupted run (SIGINT) writes no file, half or whole, and leaves no worker behind', async () => {
    const file = path.join(dir, 'interrupted.json');
    const { code, err } = await interrupted(['check', '--seed', '424242', '--json', file], 2500);
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted \(SIGINT\); no result file was written/);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual([]);
    // NOTE: a seed of its own, so that workers of other test files do not match
    const workers = spawnSync('pgrep', ['-f', `${path.join('dist', 'src', 'check', 'worker.js')}.*"seed":424242`], { encoding: 'utf8' });
    expect(workers.stdout.trim()).toBe('');
  });

  it('replays one case from its replay command: one line per known discrepancy, in full with --verbose', () => {
    const replay = ['check', '--ops', 'conv2d', '--case', 'x=[1,1,3,1] f=[1,2,1,1] s=[1,3] p=same d=[1,1] v=exact', '--backends', 'wasm', '--seed', '1'];
    const r = crosscheck(...replay);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^  #1 1 case: conv2d forward on wasm \(1\)$/m);
    expect(r.out).toMatch(/^ +smallest: npx crosscheck check --ops conv2d --case 'x=\[1,1,3,1\] f=\[1,2,1,1\] s=\[1,3\] p=same d=\[1,1\] v=exact' --backends wasm --seed 1$/m);
    expect(r.out).not.toMatch(/worst element/);
    const v = crosscheck(...replay, '--verbose');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/XFAIL conv2d forward on wasm/);
    expect(v.out).toMatch(/worst element \[0,0,0,0\]: expected -8, got 0/);
  });
});
