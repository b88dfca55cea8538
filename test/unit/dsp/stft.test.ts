import { describe, expect, it } from 'vitest';
import { PairedStft, Stft, type StftFrame } from '../../../src/dsp/stft.js';
import { makeWindow, windowPowerSum } from '../../../src/dsp/window.js';

// Independent reference: windowed naive DFT power of one real frame, one-sided scaling.
function refPower(x: Float64Array, start: number, n: number): Float64Array {
  const w = makeWindow('hann', n);
  const scale = 2 / (n * windowPowerSum(w));
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0, im = 0;
    for (let t = 0; t < n; t++) {
      const v = x[start + t] * w[t];
      re += v * Math.cos((2 * Math.PI * k * t) / n);
      im -= v * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = (re * re + im * im) * scale * (k === 0 || k === n / 2 ? 0.5 : 1);
  }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296) - 0.5;
}

describe('Stft', () => {
  it('separates mid and side spectra from one complex FFT, across blocks of any size', () => {
    const n = 64, hop = 16, len = 400;
    const r = lcg(7);
    const L = Float32Array.from({ length: len }, r);
    const R = Float32Array.from({ length: len }, r);
    const M = Float64Array.from(L, (l, i) => (l + R[i]) / 2);
    const S = Float64Array.from(L, (l, i) => (l - R[i]) / 2);
    const stft = new Stft({ size: n, hop }, 48000);
    const seen: number[] = [];
    const sink = (f: StftFrame): void => {
      seen.push(f.startSample);
      const pm = refPower(M, f.startSample, n);
      const ps = refPower(S, f.startSample, n);
      const pl = refPower(Float64Array.from(L), f.startSample, n);
      for (let k = 0; k < f.bins; k++) {
        expect(f.midPower[k]).toBeCloseTo(pm[k], 10);
        expect(f.sidePower[k]).toBeCloseTo(ps[k], 10);
        // |L|^2 = |M|^2 + |S|^2 + 2 Re(M S*)
        expect(f.midPower[k] + f.sidePower[k] + 2 * f.crossPower[k]).toBeCloseTo(pl[k], 10);
      }
    };
    let pos = 0;
    for (const size of [7, 13, 100, 1, 64, 215]) {
      stft.process(L.subarray(pos, pos + size), R.subarray(pos, pos + size), sink);
      pos += size;
    }
    expect(seen).toEqual(Array.from({ length: Math.floor((len - n) / hop) + 1 }, (_, i) => i * hop));
    expect(stft.frameCount).toBe(seen.length);
  });

  it('is calibrated: a bin-centred sine of amplitude A has total power A^2/2; keepComplex fills the spectra', () => {
    const n = 1024, fs = 48000, A = 0.5, k0 = 37;
    const x = Float32Array.from({ length: n }, (_, i) => A * Math.sin((2 * Math.PI * k0 * i) / n));
    const stft = new Stft({ size: n, hop: n, keepComplex: true }, fs);
    let total = 0;
    let peakMag = 0;
    stft.process(x, x, (f) => {
      for (let k = 0; k < f.bins; k++) total += f.midPower[k];
      expect(f.binHz).toBeCloseTo(fs / n, 12);
      peakMag = Math.hypot(f.midRe[k0], f.midIm[k0]);
    });
    expect(total).toBeCloseTo((A * A) / 2, 9);
    expect(peakMag).toBeCloseTo((A / 2) * (n / 2), 6); // coherent gain of Hann: sum w = N/2
  });

  it('mono input gives an exactly zero side', () => {
    const n = 256;
    const x = Float32Array.from({ length: 1000 }, lcg(3));
    const stft = new Stft({ size: n, hop: 128 }, 44100);
    let frames = 0;
    stft.process(x, null, (f) => {
      frames++;
      for (let k = 0; k < f.bins; k++) expect(f.sidePower[k]).toBe(0);
    });
    expect(frames).toBe(Math.floor((1000 - n) / 128) + 1);
  });

  it('refuses a hop outside [1, size]', () => {
    expect(() => new Stft({ size: 64, hop: 0 })).toThrow(/hop/);
    expect(() => new Stft({ size: 64, hop: 65 })).toThrow(/hop/);
    expect(() => new Stft({ size: 60, hop: 30 })).toThrow(/power of two/);
  });
});

describe('PairedStft', () => {
  it('yields the same frames as a plain STFT of the mid signal, every hop, two per FFT', () => {
    const n = 128, hop = 64, len = 2000;
    const r = lcg(11);
    const L = Float32Array.from({ length: len }, r);
    const R = Float32Array.from({ length: len }, r);
    const M = Float64Array.from(L, (l, i) => (l + R[i]) / 2);
    const paired = new PairedStft({ size: n, hop });
    let index = 0;
    const sink = (p: Float64Array): void => {
      const ref = refPower(M, index * hop, n);
      for (let k = 0; k < p.length; k++) expect(p[k]).toBeCloseTo(ref[k], 10);
      index++;
    };
    for (let pos = 0; pos < len; pos += 300) paired.process(L.subarray(pos, pos + 300), R.subarray(pos, pos + 300), sink);
    // Frames come in pairs: every complete pair that fits in the signal.
    expect(index).toBe(2 * Math.floor((len - n - hop) / (2 * hop) + 1));
  });
});
