import { describe, expect, it } from 'vitest';
import { planEq } from '../../../src/suggest/eqPlan.js';
import { balancedRefs, inputFor, opts, track } from './fixtures.js';

/** A Gaussian bump of `gainDb` at `hz`, 0.4 octave wide, in dB. */
const bump = (hz: number, gainDb: number) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / 0.4) ** 2);

describe('planEq memo', () => {
  const refs = balancedRefs();
  it('plans once per input object and options (the EQ and tonal agents of one evaluation share it)', () => {
    const input = inputFor(track({ midShape: bump(300, 4) }), refs);
    const o = opts();
    const first = planEq(input, o);
    expect(first.bands.length).toBeGreaterThan(0);
    expect(planEq(input, o)).toBe(first);
    // Another input object, other options, or other figures in the same object: planned afresh, with the same result.
    const copy = planEq({ ...input }, o);
    expect(copy).not.toBe(first);
    expect(copy).toEqual(first);
    expect(planEq(input, opts())).not.toBe(first);
    const other = inputFor(track({ midShape: bump(3000, -4) }), refs);
    input.mix = other.mix;
    expect(planEq(input, o)).toEqual(planEq(other, o));
  });
});
