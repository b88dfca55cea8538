import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { MomentaryTracker } from '../../../src/analysis/liveMeter.js';
import type { ChannelRole } from '../../../src/audio/types.js';
import { whiteNoise } from './profile/signals.js';

/** Feeds the same odd-sized blocks to a meter and a tracker and checks, after every block, that their fast figures are equal to the last bit. */
function compare(sampleRate: number, layout: ChannelRole[], sec: number, poison = false): number {
  const meter = new LoudnessMeter({ sampleRate, layout });
  const tracker = new MomentaryTracker(sampleRate, layout);
  const n = Math.round(sec * sampleRate);
  const audio = layout.map((_, c) => {
    const x = whiteNoise(n, 10 + c, 0.1 * (c + 1));
    for (let i = 0; i < n; i++) x[i] *= 0.2 + Math.abs(Math.sin(i / sampleRate)); // a level that moves
    return x;
  });
  if (poison) audio[0][1234] = NaN;
  const sizes = [1, 441, 4800, 17, 9973, 2];
  let checks = 0;
  for (let s = 0, k = 0; s < n; k++) {
    const e = Math.min(n, s + sizes[k % sizes.length]);
    const block = audio.map((ch) => ch.subarray(s, e));
    meter.process(block);
    tracker.process(block);
    const m = meter.read();
    const t = tracker.read();
    expect(t).toEqual({ momentaryLufs: m.momentaryLufs, shortTermLufs: m.shortTermLufs, momentaryMaxLufs: m.momentaryMaxLufs, shortTermMaxLufs: m.shortTermMaxLufs });
    if (t.momentaryLufs !== null) checks++;
    s = e;
  }
  return checks;
}

describe('MomentaryTracker', () => {
  it('reads the momentary and short-term loudness and maxima of LoudnessMeter exactly, at any block size', () => {
    expect(compare(48000, ['L', 'R'], 5)).toBeGreaterThan(30);
    expect(compare(22050, ['mono'], 4)).toBeGreaterThan(30); // 10 ms is 220.5 frames here
    expect(compare(44100, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], 4)).toBeGreaterThan(30); // odd active count, surround weights
  });

  it('reads NaN samples as silence, as the meter does', () => {
    expect(compare(48000, ['L', 'R'], 1, true)).toBeGreaterThan(10);
  });
});
