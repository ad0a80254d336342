/**
 * What `--register` modules changed, for summaries and replay commands, and
 * loading them. No TF.js import: src/tfjs/register.ts is loaded only when there
 * are modules.
 */
import type { KernelOverride } from './register';

export type { KernelOverride };

/** One line per module, for the summaries. */
export function describeOverrides(overrides: readonly KernelOverride[]): string[] {
  return overrides.map((o) => {
    const added = o.backends ?? [];
    const ofNew = (k: string) => added.includes(k.split('/')[0]);
    const backends = added.map((b) => `backend ${b} (new, ${o.kernels.filter((k) => k.startsWith(`${b}/`)).length} kernels)`);
    return `${o.module}: ${[...backends, ...o.kernels.filter((k) => !ofNew(k)), ...o.removed.map((k) => `${k} (removed)`)].join(', ')}`;
  });
}

/**
 * Loads `--register` modules in this process and checks them (each loads and
 * registers something) before any work; TF.js is loaded only when there are some.
 */
export async function loadOverrides(modules: readonly string[]): Promise<KernelOverride[]> {
  if (modules.length === 0) return [];
  const { registerModules } = await import('./register');
  return registerModules(modules);
}

/** The `--register` flags that a replay command needs to rerun a case under the same kernels. */
export const registerFlags = (modules: readonly string[]) => modules.map((m) => ` --register '${m}'`).join('');
