import { BACKENDS, envBlock, kernelsOf, supportMatrix, useBackend } from '../../../src/tfjs/backends';
import { tf } from '../../../src/tfjs/tf';

describe('backends', () => {
  it.each(BACKENDS)('%s initialises and becomes the active backend', async (b) => {
    await useBackend(b);
    expect(tf.getBackend()).toBe(b);
    const y = tf.tidy(() => tf.add(tf.tensor([1, 2]), tf.tensor([3, 4])).dataSync());
    expect(Array.from(y)).toEqual([4, 6]);
  });

  it('lists registered kernels, and the support matrix tells a missing kernel', () => {
    for (const b of BACKENDS) expect(kernelsOf(b).has('Conv2D')).toBe(true);
    const m = supportMatrix(['Conv2D', 'NoSuchKernel']);
    expect(m.Conv2D).toEqual({ cpu: true, wasm: true, tensorflow: true });
    expect(m.NoSuchKernel).toEqual({ cpu: false, wasm: false, tensorflow: false });
  });

  it('the env block names versions and the machine', async () => {
    const env = await envBlock();
    expect(env.node).toBe(process.version);
    expect(env.tfjs['tfjs-core']).toBe('4.22.0');
    expect(env.tensorflow).toMatch(/^2\.\d+\.\d+/);
    expect(env.cpu.cores).toBeGreaterThan(0);
    expect(typeof env.cpu.model).toBe('string');
    expect(Date.parse(env.date)).not.toBeNaN();
  });
});
