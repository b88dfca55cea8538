import { it } from 'vitest';
import { TransientAnalyzer } from '../../../../src/analysis/profile/transients.js';
import { filter, highShelf, rng, shapedNoise, whiteNoise } from './signals.js';
const fs = 48000;
const N = 2 ** 20;
function hits(sec: number, periodSec: number, seed: number, bed = 0.003): Float32Array {
  const out = whiteNoise(fs * sec, seed, bed);
  const u = rng(seed + 1);
  for (let t = 0.05; t < sec - 0.3; t += periodSec) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.25; i++) out[s0 + i] += 0.7 * Math.exp(-i / (0.04 * fs)) * (2 * u() - 1);
  }
  return out;
}
function kicks(bedDb: number, period = 0.5): Float32Array {
  const bed = shapedNoise(N, fs, 9, -1, 0.1 * 10 ** (bedDb / 20));
  for (let t = 0.05; t < N / fs - 0.3; t += period) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.3; i++) { const f = 50 + 100 * Math.exp(-i / (0.02 * fs)); bed[s0 + i] += 0.5 * Math.sin(2 * Math.PI * f * i / fs) * Math.exp(-i / (0.08 * fs)); }
  }
  return bed;
}
function hats(bedDb: number, period = 0.25): Float32Array {
  const bed = shapedNoise(N, fs, 10, -1, 0.1 * 10 ** (bedDb / 20));
  const noise = filter(filter(whiteNoise(N, 11, 0.3), highShelf(6000, 20, fs)), highShelf(6000, 0, fs));
  for (let t = 0.05; t < N / fs - 0.3; t += period) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.05; i++) bed[s0 + i] += 0.1 * noise[s0 + i] * Math.exp(-i / (0.01 * fs));
  }
  return bed;
}
it('diag', () => {
  const sigs: Record<string, [Float32Array, number]> = {
    white: [whiteNoise(fs * 20, 8, 0.1), 0], pink: [shapedNoise(N, fs, 5, -1, 0.1), 0], brown: [shapedNoise(N, fs, 5, -2, 0.1), 0],
    hits4: [hits(20, 0.25, 3), 4], hits4bed6: [hits(20, 0.25, 3, 0.2), 4],
    kicksBedM20: [kicks(-20), 2], kicksBedM10: [kicks(-10), 2], kicksBed0: [kicks(0), 2],
    hatsBedM20: [hats(-20), 4], hatsBedM10: [hats(-10), 4], hatsBed0: [hats(0), 4],
  };
  for (const opt of [{ combine: "rms" as const, deltaDb: 2.5 }, { combine: "rms" as const, deltaDb: 2.5, lagFrames: 3 }])
  for (const [name, [x, want]] of Object.entries(sigs)) {
    const t = new TransientAnalyzer(fs, opt);
    const fluxes: number[] = [];
    (t as any).push = ((orig) => function (this: any, f: number) { fluxes.push(f); return orig.call(this, f); })((t as any).push);
    t.process(x, x);
    const s = [...fluxes].sort((a, b) => a - b);
    const q = (p: number) => s[Math.floor(p * (s.length - 1))].toFixed(2);
    console.log(JSON.stringify(opt).padEnd(35), name.padEnd(12), 'want', want, 'got', t.read().onsetsPerSec, 'flux p50', q(0.5), 'p99', q(0.99), 'p999', q(0.999));
  }
});
