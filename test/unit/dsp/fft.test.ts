import { describe, expect, it } from 'vitest';
import { Fft, isPowerOfTwo, nextPowerOfTwo } from '../../../src/dsp/fft.js';
import { AmaError } from '../../../src/util/errors.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n), outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      outRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      outIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

describe('Fft', () => {
  const n = 64;
  const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1));
  const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.37) - 0.1 * i / n);

  it('matches a naive DFT (e^-i convention, unscaled)', () => {
    const fft = new Fft(n);
    const input = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { input[2 * i] = re[i]; input[2 * i + 1] = im[i]; }
    const out = new Float64Array(2 * n);
    fft.forward(input, out);
    const [dr, di] = naiveDft(re, im);
    for (let k = 0; k < n; k++) {
      expect(out[2 * k]).toBeCloseTo(dr[k], 9);
      expect(out[2 * k + 1]).toBeCloseTo(di[k], 9);
    }
  });

  it('inverse undoes forward, and the real transform matches the complex one on bins 0..N/2', () => {
    const fft = new Fft(n);
    const input = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) input[2 * i] = re[i];
    const spec = new Float64Array(2 * n), back = new Float64Array(2 * n), real = new Float64Array(2 * n);
    fft.forward(input, spec);
    fft.inverse(spec, back);
    for (let i = 0; i < 2 * n; i++) expect(back[i]).toBeCloseTo(input[i], 12);
    fft.forwardReal(re, real);
    for (let k = 0; k <= n / 2; k++) {
      expect(real[2 * k]).toBeCloseTo(spec[2 * k], 9);
      expect(real[2 * k + 1]).toBeCloseTo(spec[2 * k + 1], 9);
    }
  });

  it('refuses sizes that are not powers of two, and aliased buffers', () => {
    expect(() => new Fft(48)).toThrow(AmaError);
    expect(() => new Fft(2)).toThrow(/power of two/);
    const fft = new Fft(8);
    const buf = new Float64Array(16);
    expect(() => fft.forward(buf, buf)).toThrow(AmaError);
    expect(isPowerOfTwo(1024)).toBe(true);
    expect(isPowerOfTwo(1000)).toBe(false);
    expect(nextPowerOfTwo(16000)).toBe(16384);
    expect(nextPowerOfTwo(16384)).toBe(16384);
  });
});
