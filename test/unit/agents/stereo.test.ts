import { describe, expect, it } from 'vitest';
import { agent } from '../../../agents/stereo.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { balancedRefs, inputFor, opts, track } from '../suggest/fixtures.js';

// References: side 9 dB under the mid above 120 Hz, 25 dB under below (a mono-ish low end), centred.
const refs = balancedRefs();
const bump = (hz: number, gainDb: number, widthOct = 0.4) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / widthOct) ** 2);
const moves = (list: Suggestion[]) => list.filter((s) => s.kind !== 'note');

describe('stereo agent', () => {
  it('proposes nothing when the image lies inside the envelope', () => {
    const r = agent.evaluate(inputFor(track({ widthDb: (f) => (f < 120 ? -25.5 : -9.5) }), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toEqual(expect.arrayContaining(['width.1kHz', 'width.63Hz', 'balanceDb', 'correlation', 'monoLossDb', 'lowEnd.sideToMidDb']));
  });

  it('narrows a mix that is too wide above the bass, in one region', () => {
    const input = inputFor(track({ widthDb: (f) => (f < 120 ? -25 : -3) }), refs);
    const r = agent.evaluate(input, opts());
    const w = moves(r.suggestions).filter((s): s is Extract<Suggestion, { kind: 'width' }> => s.kind === 'width');
    expect(w).toHaveLength(1);
    expect(w[0].params.sideGainDb).toBeCloseTo(-6, 0);
    expect(w[0].params.lowHz).toBeLessThan(150);
    expect(w[0].params.highHz).toBeGreaterThan(15000);
    expect(w[0].key).toMatch(/^stereo:master:width@/);
    expect(w[0].rationale).toMatch(/^Narrow /);
    expect(w[0].predicted!.after).toBeLessThan(w[0].predicted!.before / 2);
  });

  it('widens a narrow mix, capped at 12 dB', () => {
    const r = agent.evaluate(inputFor(track({ widthDb: (f) => (f < 120 ? -25 : -30) }), refs), opts());
    const w = moves(r.suggestions).find((s) => s.kind === 'width') as Extract<Suggestion, { kind: 'width' }>;
    expect(w.params.sideGainDb).toBe(12);
    expect(w.rationale).toMatch(/^Widen /);
  });

  it('monos the low end when every reference has a mono low end and the mix does not', () => {
    const r = agent.evaluate(inputFor(track({ widthDb: (f) => (f < 120 ? -6 : -9) }), refs), opts());
    const m = r.suggestions.find((s) => s.kind === 'monoBelow') as Extract<Suggestion, { kind: 'monoBelow' }>;
    expect(m).toBeDefined();
    expect(m.params.frequencyHz).toBeGreaterThanOrEqual(60);
    expect(m.params.frequencyHz).toBeLessThanOrEqual(160);
    // The width regions below the mono frequency are covered by it: no width move there.
    for (const s of r.suggestions) if (s.kind === 'width') expect(s.params.lowHz).toBeGreaterThanOrEqual(m.params.frequencyHz);
    expect(m.predicted!.after).toBeLessThan(m.predicted!.before);
  });

  it('moves the balance back to the references', () => {
    const r = agent.evaluate(inputFor(track({ balanceDb: 2 }), refs), opts());
    expect(moves(r.suggestions)).toEqual([expect.objectContaining({ key: 'stereo:master:balance', params: { balanceDb: -2 } })]);
    expect(r.suggestions[0].rationale).toMatch(/left 2\.0 dB/);
  });

  it('warns about out-of-phase bands and does not touch a mono mix', () => {
    const anti = agent.evaluate(inputFor(track({ correlation: (f) => (f > 2000 && f < 5000 ? -0.4 : undefined) }), refs), opts());
    const note = anti.suggestions.find((s) => s.key.startsWith('stereo:master:phase@'));
    expect(note?.kind).toBe('note');
    expect(note!.rationale).toMatch(/2\.5 kHz \(-0\.40\)/);
    const mono = agent.evaluate(inputFor(track({ monoInput: true }), refs), opts());
    expect(mono.suggestions).toEqual([]);
    expect(mono.notes.join(' ')).toMatch(/mono/);
  });

  it('leaves a width difference made by the mid alone to the EQ', () => {
    const r = agent.evaluate(inputFor(track({ midShape: bump(1000, 5), sideShape: bump(1000, -5) }), refs), opts());
    expect(moves(r.suggestions)).toEqual([]);
  });
});
