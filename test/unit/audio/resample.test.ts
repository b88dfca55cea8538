import { describe, expect, it } from 'vitest';
import { resample, resampledLength } from '../../../src/audio/resample.js';

const tone = (n: number, rate: number, hz: number, phase = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate + phase));

function maxError(y: Float32Array, want: Float32Array, edge: number): number {
  let m = 0;
  for (let i = edge; i < y.length - edge; i++) m = Math.max(m, Math.abs(y[i] - want[i]));
  return m;
}

describe('resample (libsamplerate)', () => {
  it('converts each channel of a long stereo input to the ideal tones at the new rate, aligned, exact length', async () => {
    // 25 s: past the length where the library streams its input in chunks through a stateful converter.
    const n = 25 * 48_000;
    const [l, r] = await resample([tone(n, 48_000, 440), tone(n, 48_000, 1000, 1)], 48_000, 44_100);
    const m = resampledLength(n, 48_000, 44_100);
    expect(m).toBe(25 * 44_100);
    expect(l.length).toBe(m);
    expect(r.length).toBe(m);
    expect(maxError(l, tone(m, 44_100, 440), 1000)).toBeLessThan(1e-4);
    expect(maxError(r, tone(m, 44_100, 1000, 1), 1000)).toBeLessThan(1e-4);
  });

  it('reads a view into a larger buffer from its own offset', async () => {
    const big = tone(30 * 44_100, 44_100, 300);
    const view = big.subarray(44_100 * 2, 44_100 * 27); // 25 s starting 2 s in
    const [y] = await resample([view], 44_100, 48_000);
    const want = Float32Array.from({ length: y.length }, (_, i) => Math.sin((2 * Math.PI * 300 * (i / 48_000 + 2))));
    expect(maxError(y, want, 1000)).toBeLessThan(1e-4);
  });

  it('same rate copies; bad rates are refused with the valid range', async () => {
    const x = tone(100, 44_100, 50);
    const [y] = await resample([x], 44_100, 44_100);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    await expect(resample([x], 0, 44_100)).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('1-192000 Hz') });
  });
});
