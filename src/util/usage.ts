/** Bad usage: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses a comma-separated `--flag a,b` list against the accepted names. */
export function parseList<T extends string>(flag: string, noun: string, list: string, accepted: readonly T[]): T[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const avail = `Available: ${accepted.join(', ')}.`;
  if (names.length === 0) throw new UsageError(`${flag} is empty. ${avail}`);
  for (const n of names) {
    if (!(accepted as readonly string[]).includes(n)) throw new UsageError(`Unknown ${noun} '${n}' in ${flag}. ${avail}`);
  }
  return [...new Set(names)] as T[];
}
