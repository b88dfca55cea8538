import { describe, expect, it } from 'vitest';
import { createRenderChain, renderSuggestions } from '../../../src/render/index.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { AmaError } from '../../../src/util/errors.js';
import { meter, music, noise, rms, sug, tone } from './helpers.js';

const fs = 48000;
const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

const EVERYTHING: Suggestion[] = [
  sug('limiter', { inputGainDb: 6, ceilingDbtp: -1, releaseMs: 60, lookaheadMs: 3 }),
  sug('gain', { gainDb: 2 }),
  sug('compressor', { thresholdDb: -24, ratio: 3, attackMs: 10, releaseMs: 120, kneeDb: 6, makeupDb: 1 }),
  sug('compressor', { thresholdDb: -30, ratio: 2, attackMs: 5, releaseMs: 80, kneeDb: 6, makeupDb: 0, lowHz: 2000, highHz: 8000 }, 'master', 'c2'),
  sug('balance', { balanceDb: 1 }),
  sug('monoBelow', { frequencyHz: 100 }),
  sug('width', { lowHz: 2000, highHz: 10000, sideGainDb: 2 }),
  sug('eqBand', { type: 'highPass', frequencyHz: 30, gainDb: 0, q: 0.7071 }),
  sug('eqBand', { type: 'peaking', frequencyHz: 300, gainDb: -3, q: 1.2 }, 'mid'),
  sug('eqBand', { type: 'highShelf', frequencyHz: 6000, gainDb: 2, q: 0.7071 }, 'side'),
  sug('note', {} as Record<string, never>),
];

describe('renderSuggestions', () => {
  it('returns new arrays of the same shape, leaves the input alone, and lists the stages in the documented order', () => {
    const x = [noise(fs, 1), noise(fs, 2)];
    const copy = x.map((c) => c.slice());
    const r = renderSuggestions(x, fs, EVERYTHING);
    expect(r.audio).toHaveLength(2);
    expect(r.audio[0]).toHaveLength(fs);
    expect(r.audio[0]).not.toBe(x[0]);
    expect(same(x[0], copy[0]) && same(x[1], copy[1])).toBe(true);
    expect(r.applied.map((l) => l.split(/[ ,:]/)[0])).toEqual(['EQ', 'mid', 'side', 'side', 'mono', 'balance', 'compressor', 'compressor', 'gain', 'limiter']);
    expect(r.notes).toEqual([]);
    expect(meter(r.audio, fs).truePeakDbtp as number).toBeLessThanOrEqual(-1);
  });

  it('is the identity with no suggestions or only notes', () => {
    const x = [noise(fs, 3)];
    expect(same(renderSuggestions(x, fs, []).audio[0], x[0])).toBe(true);
    expect(same(renderSuggestions(x, fs, [sug('note', {} as Record<string, never>)]).audio[0], x[0])).toBe(true);
  });

  it('refuses unknown kinds and bad params with AmaError BAD_OPTION, listing every problem at once', () => {
    const bad = [
      { ...sug('gain', { gainDb: 1 }), kind: 'reverb' } as unknown as Suggestion,
      sug('compressor', { thresholdDb: -20, ratio: 0.5, attackMs: -1, releaseMs: 100, kneeDb: 0, makeupDb: 0 }, 'master', 'comp'),
      sug('eqBand', { type: 'peaking', frequencyHz: NaN, gainDb: 1, q: 1 }, 'master', 'eq'),
      sug('width', { lowHz: 4000, highHz: 1000, sideGainDb: 3 }),
      sug('gain', { gainDb: 1 }, 'left' as never),
    ];
    let err: unknown;
    try {
      renderSuggestions([noise(1000, 1)], fs, bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AmaError);
    expect((err as AmaError).code).toBe('BAD_OPTION');
    const msg = (err as AmaError).message;
    for (const want of [/\[0\].*kind must be one of .*"reverb"/, /\[1\] \(comp\): params.ratio must be a number within \[1, 1000\], got 0.5/, /\[1\].*attackMs/, /\[2\] \(eq\).*frequencyHz/, /\[3\].*lowHz \(4000\) must be below params.highHz \(1000\)/, /\[4\].*scope must be/]) {
      expect(msg).toMatch(want);
    }
  });

  it('on mono input applies master and mid moves, and skips side, width, mono-below and balance with notes', () => {
    const x = [noise(fs, 4)];
    const r = renderSuggestions(x, fs, [
      sug('eqBand', { type: 'peaking', frequencyHz: 1000, gainDb: 3, q: 1 }, 'side', 'eq-side'),
      sug('width', { lowHz: 100, highHz: 1000, sideGainDb: 3 }),
      sug('monoBelow', { frequencyHz: 100 }),
      sug('balance', { balanceDb: 2 }),
      sug('gain', { gainDb: -6 }, 'mid'),
    ]);
    expect(r.notes).toHaveLength(4);
    for (const n of r.notes) expect(n).toMatch(/mono/);
    expect(maxDiff(r.audio[0], x[0].map((v) => v * 10 ** (-6 / 20)))).toBeLessThan(1e-7);
  });

  it('on 6 channels applies master moves to all, mid/side and stereo moves to channels 0 and 1 only', () => {
    const x = Array.from({ length: 6 }, (_, c) => noise(fs, 10 + c));
    const g = renderSuggestions(x, fs, [sug('gain', { gainDb: 6 })]).audio;
    for (let c = 0; c < 6; c++) expect(rms(g[c]) / rms(x[c])).toBeCloseTo(10 ** (6 / 20), 5);
    const s = renderSuggestions(x, fs, [sug('eqBand', { type: 'peaking', frequencyHz: 1000, gainDb: 6, q: 1 }, 'side'), sug('balance', { balanceDb: 2 })]).audio;
    for (let c = 2; c < 6; c++) expect(same(s[c], x[c])).toBe(true);
    expect(maxDiff(s[0], x[0])).toBeGreaterThan(1e-3);
    // Width passes the other channels through the same all-pass as mid: unchanged in level, changed in phase only.
    const w = renderSuggestions(x, fs, [sug('width', { lowHz: 500, highHz: 5000, sideGainDb: 4 })]).audio;
    for (let c = 2; c < 6; c++) expect(rms(w[c]) / rms(x[c])).toBeCloseTo(1, 2);
    // The limiter is linked: one hot channel pulls every channel down together.
    const hot = x.map((c, i) => (i === 3 ? c.map((v) => v * 8) : c));
    const l = renderSuggestions(hot, fs, [sug('limiter', { inputGainDb: 0, ceilingDbtp: -6, releaseMs: 50, lookaheadMs: 2 })]).audio;
    expect(meter(l, fs).truePeakDbtp as number).toBeLessThanOrEqual(-6);
    expect(rms(l[0]) / rms(x[0])).toBeLessThan(0.9);
  });

  it('gives finite output for any finite input, and renders NaN/Inf input samples as silence with a note', () => {
    const x = Float32Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 3e38 : i % 5 === 0 ? -3e38 : 1e-40 * i));
    const r = renderSuggestions([x, x.slice().reverse()], fs, [...EVERYTHING.filter((s) => s.kind !== "limiter"), sug("gain", { gainDb: 48 }, "master", "g2")]);
    for (const ch of r.audio) expect(ch.every((v) => Number.isFinite(v))).toBe(true);
    const y = noise(1000, 5);
    y[10] = NaN;
    y[20] = Infinity;
    const z = renderSuggestions([y], fs, [sug('eqBand', { type: 'peaking', frequencyHz: 500, gainDb: 6, q: 2 })]);
    expect(z.audio[0].every((v) => Number.isFinite(v))).toBe(true);
    expect(z.notes.join(' ')).toMatch(/2 non-finite input sample/);
  });

  it('applies stem gains when the stems are given (mix + (g - 1) stem), and skips them with a note otherwise', () => {
    const drums = [tone(fs, fs, 100, 0.2), tone(fs, fs, 100, 0.2)];
    const rest = [noise(fs, 6), noise(fs, 7)];
    const mix = rest.map((c, i) => c.map((v, j) => v + drums[i][j]));
    const s = sug('stemGain', { gainDb: -6 }, 'stem:drums');
    const withStems = renderSuggestions(mix, fs, [s], { stems: { drums } }).audio;
    const want = rest[0].map((v, j) => v + drums[0][j] * 10 ** (-6 / 20));
    expect(maxDiff(withStems[0], want)).toBeLessThan(1e-6);
    const without = renderSuggestions(mix, fs, [s, sug('eqBand', { type: 'peaking', frequencyHz: 100, gainDb: 3, q: 1 }, 'stem:drums')]);
    expect(same(without.audio[0], mix[0])).toBe(true);
    expect(without.notes).toHaveLength(2);
    expect(without.notes[0]).toMatch(/no "drums" stem/);
  });

  it('renders only the last limiter, with a note', () => {
    const x = music(fs, 2, 1, -3);
    const r = renderSuggestions(x, fs, [
      sug('limiter', { inputGainDb: 6, ceilingDbtp: -3, releaseMs: 50, lookaheadMs: 2 }, 'master', 'first'),
      sug('limiter', { inputGainDb: 6, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 2 }, 'master', 'second'),
    ]);
    expect(r.notes.join(' ')).toMatch(/only one limiter/);
    expect(meter(r.audio, fs).truePeakDbtp as number).toBeCloseTo(-1.1, 1);
  });

  it('streams: a RenderChain fed in odd blocks gives the offline result, delayed by its latency', () => {
    const x = music(fs, 2, 2, -3);
    const offline = renderSuggestions(x, fs, EVERYTHING).audio;
    const { chain } = createRenderChain(EVERYTHING, fs, 2);
    const n = x[0].length, D = chain.latencyFrames;
    expect(D).toBeGreaterThan(0);
    const out = [new Float32Array(n + D), new Float32Array(n + D)];
    const input = [new Float32Array(n + D), new Float32Array(n + D)];
    input[0].set(x[0]);
    input[1].set(x[1]);
    for (let s = 0, b = 1; s < n + D; s += b, b = (b * 13) % 2999 + 1) {
      const e = Math.min(n + D, s + b);
      chain.process(input.map((c) => c.subarray(s, e)), out.map((c) => c.subarray(s, e)));
    }
    expect(maxDiff(out[0].subarray(D), offline[0])).toBeLessThan(1e-6);
    expect(maxDiff(out[1].subarray(D), offline[1])).toBeLessThan(1e-6);
  });

  it('is fast: 60 s of 48 kHz stereo through 6 EQ bands, a compressor and a limiter well under real time', () => {
    const n = fs * 60;
    const x = [noise(n, 1, 0.2), noise(n, 2, 0.2)];
    const moves = [
      ...[60, 200, 700, 2000, 5000, 12000].map((f, i) => sug('eqBand', { type: 'peaking', frequencyHz: f, gainDb: i % 2 ? 2 : -2, q: 1 }, 'master', `eq${i}`)),
      sug('compressor', { thresholdDb: -20, ratio: 3, attackMs: 10, releaseMs: 100, kneeDb: 6, makeupDb: 2 }),
      sug('limiter', { inputGainDb: 6, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 5 }),
    ];
    renderSuggestions([x[0].subarray(0, fs), x[1].subarray(0, fs)], fs, moves); // warm up the JIT
    const t0 = performance.now();
    renderSuggestions(x, fs, moves);
    const sec = (performance.now() - t0) / 1000;
    console.log(`60 s stereo, 6 EQ + compressor + limiter: ${sec.toFixed(2)} s (${(60 / sec).toFixed(0)}x real time)`);
    expect(sec).toBeLessThan(6);
  });
});
