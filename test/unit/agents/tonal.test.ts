import { describe, expect, it } from 'vitest';
import { agent as eq } from '../../../agents/eq.js';
import { agent, DIAGNOSES } from '../../../agents/tonal.js';
import { balancedRefs, inputFor, opts, track } from '../suggest/fixtures.js';

const refs = balancedRefs();
const bump = (hz: number, gainDb: number, widthOct = 0.5) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / widthOct) ** 2);

describe('tonal agent', () => {
  it('diagnoses nothing inside the envelope and lists every diagnosis as within', () => {
    const r = agent.evaluate(inputFor(track(), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toEqual(DIAGNOSES.map((d) => d.name));
  });

  const cases: Array<[string, (f: number) => number]> = [
    ['boomy', bump(110, 5)],
    ['muddy', bump(300, 5)],
    ['boxy', bump(600, 5)],
    ['harsh', bump(3200, 5)],
    ['sibilant', bump(7000, 5)],
    ['dull', (f) => (f > 5000 ? -5 : 0)],
    ['thin', (f) => (f < 200 ? -5 : 0)],
  ];
  for (const [name, shape] of cases) {
    it(`says "${name}" with the bands and dB behind it, tied to the EQ band that fixes it`, () => {
      const input = inputFor(track({ midShape: shape }), refs);
      const r = agent.evaluate(input, opts());
      const d = r.suggestions.find((s) => s.key === `tonal:master:${name}`);
      expect(d, JSON.stringify(r.suggestions.map((s) => s.key))).toBeDefined();
      expect(d!.kind).toBe('note');
      expect(d!.rationale).toMatch(new RegExp(`^Sounds ${name}: .* [+-]\\d+\\.\\d dB (above|below) the references' mean \\(.*Hz [+-]\\d`));
      expect(Math.abs(d!.evidence.meanDeviationDb!)).toBeGreaterThan(1);
      const eqKeys = eq.evaluate(input, opts()).suggestions.map((s) => s.key);
      expect(d!.addressedBy!.length).toBeGreaterThan(0);
      for (const k of d!.addressedBy!) expect(eqKeys).toContain(k);
    });
  }
});
