/**
 * The table of what TF.js does with each ill-formed call, per backend, asserted
 * against a fresh probe (each call in its own process): a change in TF.js shows
 * up here, and the README's tables are these.
 */
import { BACKENDS } from '../../src/tfjs/backendIds';
import { probeErrorInputs } from '../../src/check/errorInputs';
import { AnyOpSpec } from '../../src/ops/types';

export type Outcome = { throws: RegExp } | { returns: number[] };
export const THROWS = (m: RegExp): Outcome => ({ throws: m });
export const RETURNS = (shape: number[]): Outcome => ({ returns: shape });
/** The same outcome on every backend. */
export const ALL = (o: Outcome): Record<string, Outcome> => Object.fromEntries(BACKENDS.map((b) => [b, o]));

/** `referenceOp`: the reference function's name in the messages, when it is not the spec's id. */
export function describeErrorInputs(spec: AnyOpSpec, expected: Record<string, Record<string, Outcome>>, referenceOp = spec.id): void {
  describe(`ill-formed ${spec.id} calls`, () => {
    const records = probeErrorInputs(spec, BACKENDS);

    it('every error input is in the recorded table', () => {
      expect(records.map((r) => r.input).sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(records.map((r) => [r.input, r] as const))('%s', (_name, rec) => {
      expect(rec.referenceRejects).toBe(true);
      expect(rec.referenceMessage).toMatch(new RegExp(`^Error in ${referenceOp}(Grad)?: `));
      for (const b of BACKENDS) {
        const want = expected[rec.input][b];
        const got = rec.tfjs[b];
        if ('throws' in want) {
          expect({ backend: b, outcome: got.outcome }).toEqual({ backend: b, outcome: 'throws' });
          if (got.outcome === 'throws') expect(got.message).toMatch(want.throws);
        } else {
          expect({ backend: b, ...got }).toMatchObject({ backend: b, outcome: 'returns', shape: want.returns });
        }
      }
    });
  });
}
