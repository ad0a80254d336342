/** The CPU's feature flags as Linux reports them (empty elsewhere). */
import * as fs from 'fs';

let cached: Set<string> | undefined;

export function cpuFlags(): Set<string> {
  if (!cached) {
    let line = '';
    try {
      line = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:\s*(.*)$/m)?.[1] ?? '';
    } catch {
      line = '';
    }
    cached = new Set(line.split(/\s+/).filter(Boolean));
  }
  return cached;
}
