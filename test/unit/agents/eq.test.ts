import { describe, expect, it } from 'vitest';
import { agent } from '../../../agents/eq.js';
import { tonalDistanceDb } from '../../../src/reference/distance.js';
import { applyMoves } from '../../../src/suggest/predict.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { filter, highShelf, lowShelf, peaking, shapedNoise } from '../analysis/profile/signals.js';
import { balancedRefs, inputFor, measure, opts, track } from '../suggest/fixtures.js';

type Band = Extract<Suggestion, { kind: 'eqBand' }>;
const bands = (list: Suggestion[]) => list.filter((s): s is Band => s.kind === 'eqBand');
const octaves = (a: number, b: number) => Math.abs(Math.log2(a / b));
/** A Gaussian bump of `gainDb` at `hz`, `widthOct` wide (standard deviation), in dB. */
const bump = (hz: number, gainDb: number, widthOct = 0.4) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / widthOct) ** 2);

/** Programme-like stereo noise: pink, partly correlated between channels (as in the compare tests). */
function programme(fs: number, log2n: number, seed: number): Float32Array[] {
  const n = 2 ** log2n;
  const common = shapedNoise(n, fs, seed, -1, 0.1, 20, 20000);
  const l = shapedNoise(n, fs, seed + 1, -1, 0.04, 20, 20000);
  const r = shapedNoise(n, fs, seed + 2, -1, 0.04, 20, 20000);
  return [common.map((v, i) => v + l[i]), common.map((v, i) => v + r[i])];
}

describe('eq agent: recovers a known filter from measured audio', () => {
  const fs = 48000;
  const clean = programme(fs, 19, 10);
  // The references: the same kind of noise, two other seeds, measured by the real analyzers.
  const refs = [measure(programme(fs, 19, 20), fs), measure(programme(fs, 19, 30), fs)];
  const through = (...chain: ReturnType<typeof peaking>[]) => measure(clean.map((ch) => chain.reduce((x, q) => filter(x, q), ch)), fs);

  it('undoes a +6 dB peaking filter at 800 Hz (Q 2) and a -4 dB high shelf at 6 kHz in one mix', () => {
    const r = agent.evaluate(inputFor(through(peaking(800, 6, 2, fs), highShelf(6000, -4, fs)), refs), opts());
    const found = bands(r.suggestions);
    const bell = found.find((b) => b.params.type === 'peaking' && octaves(b.params.frequencyHz, 800) <= 1 / 3);
    expect(bell, JSON.stringify(found)).toBeDefined();
    expect(Math.abs(bell!.params.gainDb - -6)).toBeLessThanOrEqual(1);
    expect(bell!.params.q / 2).toBeGreaterThan(1 / 1.5);
    expect(bell!.params.q / 2).toBeLessThan(1.5);
    expect(bell!.scope).toBe('master');
    const shelf = found.find((b) => b.params.type === 'highShelf' && octaves(b.params.frequencyHz, 6000) <= 1 / 3);
    expect(shelf, JSON.stringify(found)).toBeDefined();
    expect(Math.abs(shelf!.params.gainDb - 4)).toBeLessThanOrEqual(1);
    expect(found.length).toBeLessThanOrEqual(3);
    for (const b of found) expect(b.predicted!.after).toBeLessThan(b.predicted!.before);
  });

  it('renders back: the proposed bands, through an independent biquad and measured again, land on the references as predicted', () => {
    const mixAudio = clean.map((ch) => filter(filter(ch, peaking(800, 6, 2, fs)), highShelf(6000, -4, fs)));
    const input = inputFor(measure(mixAudio, fs), refs);
    const found = bands(agent.evaluate(input, opts()).suggestions);
    const chain = found.map((b) => (b.params.type === 'peaking' ? peaking(b.params.frequencyHz, b.params.gainDb, b.params.q, fs) : b.params.type === 'highShelf' ? highShelf(b.params.frequencyHz, b.params.gainDb, fs) : lowShelf(b.params.frequencyHz, b.params.gainDb, fs)));
    const fixed = measure(mixAudio.map((ch) => chain.reduce((x, q) => filter(x, q), ch)), fs);
    const before = tonalDistanceDb(input.mix, input.target)!;
    const after = tonalDistanceDb(fixed, input.target)!;
    const modelled = tonalDistanceDb(applyMoves(input.mix, found), input.target)!;
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(0.35);
    expect(Math.abs(after - modelled)).toBeLessThan(0.2);
  });

  it('undoes a -5 dB peaking cut at 3 kHz (Q 1) and a -5 dB low shelf at 150 Hz', () => {
    const bell = bands(agent.evaluate(inputFor(through(peaking(3000, -5, 1, fs)), refs), opts()).suggestions);
    expect(bell).toHaveLength(1);
    expect(bell[0].params.type).toBe('peaking');
    expect(octaves(bell[0].params.frequencyHz, 3000)).toBeLessThanOrEqual(1 / 3);
    expect(Math.abs(bell[0].params.gainDb - 5)).toBeLessThanOrEqual(1);
    expect(bell[0].params.q).toBeGreaterThan(1 / 1.5);
    expect(bell[0].params.q).toBeLessThan(1.5);
    const shelf = bands(agent.evaluate(inputFor(through(lowShelf(150, -5, fs)), refs), opts()).suggestions);
    expect(shelf).toHaveLength(1);
    expect(shelf[0].params.type).toBe('lowShelf');
    expect(octaves(shelf[0].params.frequencyHz, 150)).toBeLessThanOrEqual(1 / 3);
    expect(Math.abs(shelf[0].params.gainDb - 5)).toBeLessThanOrEqual(1);
  });

  it('proposes nothing for another take of the clean noise', () => {
    const r = agent.evaluate(inputFor(measure(clean, fs), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within.length).toBeGreaterThan(20);
  });
});

describe('eq agent on constructed profiles', () => {
  const refs = balancedRefs();

  it('gives nothing when the mix lies inside the envelope, and lists the bands as within', () => {
    const r = agent.evaluate(inputFor(track({ midShape: (f) => 0.3 * Math.sin(Math.log2(f)) }), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toContain('tonal.mid.1kHz');
    expect(r.within).toContain('tonal.mid.250Hz');
    expect(r.notes.join(' ')).toMatch(/within/);
  });

  it('ignores a pure level change: levels are loudness-normalised', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -20, truePeakDbtp: -7 }), refs), opts());
    expect(r.suggestions).toEqual([]);
  });

  it('cuts a bump on both channels on the master, keyed by the nearest 1/3-octave centre', () => {
    const shape = bump(2500, 5);
    const r = agent.evaluate(inputFor(track({ midShape: shape }), refs), opts());
    const [b] = bands(r.suggestions);
    expect(b.scope).toBe('master');
    expect(b.key).toMatch(/^eq:master:peaking@2\.5kHz$/);
    expect(b.params.gainDb).toBeLessThan(-3.5);
    expect(b.rationale).toMatch(/Cut .* dB at 2\.\d+ kHz on the master/);
    expect(b.confidence).toBeGreaterThan(0.5);
  });

  it('puts a band on the mid alone when only the mid differs, and on the side when only the side does', () => {
    const midOnly = bands(agent.evaluate(inputFor(track({ midShape: bump(1000, 5), sideShape: bump(1000, -5) }), refs), opts()).suggestions);
    expect(midOnly.map((b) => b.scope)).toEqual(['mid']);
    // Narrow (under an octave): an EQ matter; a broad one is the stereo agent's width move.
    const sideOnly = bands(agent.evaluate(inputFor(track({ sideShape: bump(3000, 6, 0.15) }), refs), opts()).suggestions);
    expect(sideOnly.map((b) => b.scope)).toEqual(['side']);
    expect(octaves(sideOnly[0].params.frequencyHz, 3000)).toBeLessThan(1 / 3);
    expect(sideOnly[0].params.gainDb).toBeLessThan(-3);
    const broad = bands(agent.evaluate(inputFor(track({ sideShape: bump(3000, 6, 0.8) }), refs), opts()).suggestions);
    expect(broad).toEqual([]);
  });

  it('caps gains at maxEqGainDb and the count at maxEqBands', () => {
    const big = bands(agent.evaluate(inputFor(track({ midShape: bump(500, 12) }), refs), opts({ maxEqGainDb: 4 })).suggestions);
    expect(big.length).toBeGreaterThan(0);
    for (const b of big) expect(Math.abs(b.params.gainDb)).toBeLessThanOrEqual(4);
    const many = (f: number) => bump(100, 4, 0.2)(f) + bump(400, -4, 0.2)(f) + bump(1600, 4, 0.2)(f) + bump(6400, -4, 0.2)(f);
    expect(bands(agent.evaluate(inputFor(track({ midShape: many }), refs), opts({ maxEqBands: 2 })).suggestions)).toHaveLength(2);
    expect(bands(agent.evaluate(inputFor(track({ midShape: many }), refs), opts()).suggestions).length).toBeGreaterThanOrEqual(4);
  });

  it('does not boost to chase band-edge deficits (below 30 Hz, above 16 kHz)', () => {
    const edges = (f: number) => (f < 30 ? -8 : 0) + (f > 17000 ? -8 : 0);
    const r = agent.evaluate(inputFor(track({ midShape: edges }), refs), opts());
    expect(bands(r.suggestions).filter((b) => b.params.gainDb > 0)).toEqual([]);
  });

  it('never boosts where the references disagree by more than 6 dB', () => {
    const wide = [track({ midShape: bump(4000, 4) }), track({ midShape: bump(4000, -4) })];
    const r = agent.evaluate(inputFor(track({ midShape: bump(4000, -8) }), wide), opts());
    expect(bands(r.suggestions).filter((b) => b.params.gainDb > 0 && octaves(b.params.frequencyHz, 4000) < 1)).toEqual([]);
  });

  it('is deterministic', () => {
    const input = inputFor(track({ midShape: bump(300, 4) }), refs);
    expect(agent.evaluate(input, opts())).toEqual(agent.evaluate(input, opts()));
  });
});
