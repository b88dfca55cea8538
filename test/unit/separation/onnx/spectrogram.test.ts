import { describe, expect, it } from 'vitest';
import { DEMUCS_BINS, demucsFrames, demucsInverse, demucsSpectrogram, planSegments, triangleWeight } from '../../../../src/separation/onnx/demucs.js';
import { separateUmx, UMX_BINS, umxFrames } from '../../../../src/separation/onnx/umx.js';

/** Deterministic noise in [-0.5, 0.5). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** x[i] with torch 'reflect' padding (edge not repeated), written independently of the host. */
function reflected(x: Float32Array, i: number): number {
  if (i < 0) return x[-i];
  if (i >= x.length) return x[2 * (x.length - 1) - i];
  return x[i];
}

/** Direct DFT bin k of samples [start, start + 4096) of x (reflected), periodic Hann, times `scale`. */
function dft(x: Float32Array, start: number, k: number, scale: number): [number, number] {
  let re = 0, im = 0;
  for (let n = 0; n < 4096; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 4096);
    const v = reflected(x, start + n) * w;
    re += v * Math.cos((2 * Math.PI * k * n) / 4096);
    im -= v * Math.sin((2 * Math.PI * k * n) / 4096);
  }
  return [re * scale, im * scale];
}

describe('HTDemucs contract spectrogram', () => {
  const S = 20_000;
  const left = noise(S, 1);
  const right = noise(S, 2);
  const T = demucsFrames(S);
  const spec = demucsSpectrogram(left, right);

  it('has [4, 2048, ceil(S/1024)] values', () => {
    expect(T).toBe(20);
    expect(spec.length).toBe(4 * DEMUCS_BINS * T);
    expect(demucsFrames(343_980)).toBe(336);
  });

  it('frame j is the normalized DFT of samples [1024 j - 1536, 1024 j + 2560), reflect-padded, laid out L.re, L.im, R.re, R.im', () => {
    // First frame (reaches before the start), an interior one and the last (past the end).
    for (const j of [0, 7, T - 1]) {
      for (const k of [0, 1, 37, 1000, 2047]) {
        const [lr, li] = dft(left, 1024 * j - 1536, k, 1 / 64);
        const [rr, ri] = dft(right, 1024 * j - 1536, k, 1 / 64);
        const at = (c: number) => spec[(c * DEMUCS_BINS + k) * T + j];
        expect(at(0)).toBeCloseTo(lr, 4);
        expect(at(1)).toBeCloseTo(li, 4);
        expect(at(2)).toBeCloseTo(rr, 4);
        expect(at(3)).toBeCloseTo(ri, 4);
      }
    }
  });

  it('the inverse of an unchanged spectrogram gives the segment back away from its edges', () => {
    // Band-limited test signals: the contract drops the Nyquist bin, which white noise would need.
    const tones = (f: number[]) => Float32Array.from({ length: S }, (_, i) => f.reduce((a, hz, n) => a + Math.sin((2 * Math.PI * hz * i) / 44_100 + n) / f.length, 0));
    const bl = tones([97, 440, 1234.5, 6000, 15_000]);
    const br = tones([55, 3000, 9999]);
    const one = demucsSpectrogram(bl, br);
    // Four copies of the spectrogram as four sources; check source 2.
    const four = new Float32Array(4 * one.length);
    for (let s = 0; s < 4; s++) four.set(one, s * one.length);
    const [l, r] = demucsInverse(four, 2, S);
    let err = 0;
    for (let i = 4096; i < S - 4096; i++) err = Math.max(err, Math.abs(l[i] - bl[i]), Math.abs(r[i] - br[i]));
    expect(err).toBeLessThan(1e-5);
  });
});

describe('segment plan and blending weights', () => {
  it('covers every sample with offsets every 3/4 segment and centres a short last chunk', () => {
    const plans = planSegments(1000, 400);
    expect(plans.map((p) => p.offset)).toEqual([0, 300, 600, 900]);
    expect(plans[3]).toEqual({ offset: 900, length: 100, start: 900 - 150 });
    const covered = new Uint8Array(1000);
    for (const p of plans) for (let i = 0; i < p.length; i++) covered[p.offset + i] = 1;
    expect(covered.every((c) => c === 1)).toBe(true);
  });

  it('weights rise 1..S/2 then fall to 1', () => {
    expect([0, 1, 199, 200, 399].map((i) => triangleWeight(i, 400))).toEqual([1, 2, 200, 200, 1]);
  });
});

describe('Open-Unmix contract spectrogram and masks', () => {
  it('feeds the models |STFT| [1,2,2049,T] of the centred transform, frame j at samples [1024 j - 2048, 1024 j + 2048)', async () => {
    const L = 9000;
    const left = noise(L, 3);
    const right = noise(L, 4);
    const T = umxFrames(L);
    let seen: Float32Array | null = null;
    await separateUmx(left, right, {
      targets: ['vocals'],
      run: async (_t, mag, frames) => {
        expect(frames).toBe(T);
        seen = mag.slice();
        return mag;
      },
    });
    expect(T).toBe(9);
    const mag = seen! as Float32Array;
    expect(mag.length).toBe(2 * UMX_BINS * T);
    for (const j of [0, 4, T - 1]) {
      for (const k of [0, 5, 2048]) {
        const [lr, li] = dft(left, 1024 * j - 2048, k, 1);
        const [rr, ri] = dft(right, 1024 * j - 2048, k, 1);
        expect(mag[(0 * UMX_BINS + k) * T + j]).toBeCloseTo(Math.hypot(lr, li), 3);
        expect(mag[(1 * UMX_BINS + k) * T + j]).toBeCloseTo(Math.hypot(rr, ri), 3);
      }
    }
  });

  it('a target whose estimate is the whole magnitude gets the whole mix back (mask 1, mixture phase)', async () => {
    const L = 30_000;
    const left = noise(L, 5);
    const right = noise(L, 6);
    const out = await separateUmx(left, right, {
      targets: ['vocals', 'drums'],
      run: async (t, mag) => (t === 'vocals' ? mag : new Float32Array(mag.length)),
    });
    let err = 0;
    for (let i = 0; i < L; i++) err = Math.max(err, Math.abs(out.vocals![0][i] - left[i]), Math.abs(out.vocals![1][i] - right[i]));
    expect(err).toBeLessThan(1e-4);
    expect(Math.max(...out.drums![0].map(Math.abs))).toBeLessThan(1e-6);
  });
});
