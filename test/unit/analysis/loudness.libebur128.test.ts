import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { concat, mulberry32, pinkNoise, silence, sine, whiteNoise } from '../../../src/audio/generate.js';
import type { AudioBlock, ChannelRole } from '../../../src/audio/types.js';
import { loudnessRange } from '../../../src/analysis/loudnessGating.js';
import { meterOver } from './loudnessHelpers.js';

/*
 * Cross-check against libebur128 (the reference C implementation) on the same audio: the harness
 * test/fixtures/ebur128-ref.c is compiled here with `cc -O2 ... -lebur128 -lm` (Debian packages
 * libebur128-dev and a C compiler). Tolerances are the standard's: I, M, S 0.1 LU; LRA 1 LU (libebur128
 * takes its LRA short-term values at 1 Hz, ama at 10 Hz as Tech 3342 asks); true peak 0.2 dB
 * (libebur128 interpolates with a 49-tap Hann-windowed sinc, ama with 32 Kaiser taps per phase).
 * The differences are printed so they can be reported.
 */

const harnessSource = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/ebur128-ref.c');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-ebur128-'));
const harness = path.join(workDir, 'ebur128-ref');
const build = spawnSync('cc', ['-O2', '-o', harness, harnessSource, '-lebur128', '-lm'], { encoding: 'utf8' });
const skipReason = build.error
  ? `no C compiler (cc): ${build.error.message}`
  : build.status !== 0
    ? `cannot build the libebur128 harness (is libebur128-dev installed?): ${build.stderr.trim().split('\n')[0]}`
    : null;
if (skipReason && process.env.CI === 'true') throw new Error(`CI needs libebur128-dev and a C compiler: ${skipReason}; run scripts/install-system-deps.sh`);
if (skipReason) console.warn(`SKIPPING the libebur128 cross-check: ${skipReason}`);

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

interface RefReading {
  integrated: number | null;
  lra: number | null;
  momentaryMax: number | null;
  shortTermMax: number | null;
  truePeak: number[];
  samplePeak: number[];
}

function reference(block: AudioBlock, sampleRate: number, layout: ChannelRole[]): RefReading {
  const n = block[0].length, ch = block.length;
  const interleaved = new Float32Array(n * ch);
  for (let c = 0; c < ch; c++) for (let i = 0; i < n; i++) interleaved[i * ch + c] = block[c][i];
  const run = spawnSync(harness, [String(sampleRate), String(ch), layout.join(',')], {
    input: Buffer.from(interleaved.buffer),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`ebur128-ref failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as RefReading;
}

/**
 * Programme-like material: `seconds` of segments 0.5..5 s long, each one of pink noise, white noise,
 * a chord of sines (up to 0.4 fs) or (rarely) silence, at an RMS level that wanders by up to +-4 dB
 * per segment between -36 and -8 dBFS, all chosen by a seeded PRNG.
 */
function programme(sampleRate: number, channels: number, seed: number, seconds = 120): AudioBlock {
  const rand = mulberry32(seed);
  const parts: AudioBlock[] = [];
  let level = -20;
  for (let t = 0, k = 0; t < seconds; k++) {
    const durationSec = Math.min(seconds - t, 0.5 + 4.5 * rand());
    level = Math.min(-8, Math.max(-36, level + 8 * (rand() - 0.5)));
    const kind = rand();
    const noiseSeed = seed * 1000 + k;
    if (kind < 0.35) parts.push(pinkNoise({ rmsDbfs: level, durationSec, sampleRate, channels, seed: noiseSeed }));
    else if (kind < 0.55) parts.push(whiteNoise({ rmsDbfs: level - 6, durationSec, sampleRate, channels, seed: noiseSeed }));
    else if (kind < 0.95) {
      const tones = [60 + 200 * rand(), 400 + 2000 * rand(), 3000 + (0.4 * sampleRate - 3000) * rand()];
      const chord = tones.map((frequencyHz, j) =>
        sine({ frequencyHz, amplitudeDbfs: level - 2 - 4 * j, durationSec, sampleRate, channels, phaseRad: 6.28 * rand() }));
      parts.push(chord[0].map((x, c) => x.map((v, i) => v + chord[1][c][i] + chord[2][c][i])));
    } else parts.push(silence(durationSec, sampleRate, channels));
    t += durationSec;
  }
  return concat(parts);
}

const differences: string[] = [];
afterAll(() => {
  if (differences.length) console.log(`ama - libebur128 differences:\n${differences.join('\n')}`);
});

/** ama's LRA statistics over its own short-term values taken at 1 Hz (3 s, 4 s, ...), as libebur128 samples them. */
function lraAt1Hz(shortTerm: Float64Array): number | null {
  const every10th = shortTerm.filter((_, i) => i % 10 === 0);
  return loudnessRange(every10th, every10th.length);
}

function compare(label: string, meter: LoudnessMeter, ref: RefReading): void {
  const ours = meter.read();
  const lra1Hz = lraAt1Hz(meter.shortTermHistory());
  const d = (a: number | null, b: number | null) => (a === null || b === null ? NaN : a - b);
  const tp = ours.channels.map((c, i) => d(c.truePeakDbtp, 20 * Math.log10(ref.truePeak[i])));
  differences.push(
    `${label}: I ${d(ours.integratedLufs, ref.integrated).toFixed(4)} LU, LRA ${d(ours.loudnessRangeLu, ref.lra).toFixed(3)} LU, ` +
      `(LRA from ama's values at 1 Hz ${d(lra1Hz, ref.lra).toFixed(3)}), M max ${d(ours.momentaryMaxLufs, ref.momentaryMax).toFixed(4)}, S max ${d(ours.shortTermMaxLufs, ref.shortTermMax).toFixed(4)}, ` +
      `TP ${tp.map((v) => v.toFixed(3)).join('/')} dB (I = ${ours.integratedLufs?.toFixed(2)} LUFS, LRA = ${ours.loudnessRangeLu?.toFixed(2)} LU)`,
  );
  expect(Math.abs(d(ours.integratedLufs, ref.integrated))).toBeLessThanOrEqual(0.1);
  expect(Math.abs(d(ours.momentaryMaxLufs, ref.momentaryMax))).toBeLessThanOrEqual(0.1);
  expect(Math.abs(d(ours.shortTermMaxLufs, ref.shortTermMax))).toBeLessThanOrEqual(0.1);
  expect(Math.abs(d(ours.loudnessRangeLu, ref.lra))).toBeLessThanOrEqual(1);
  // Same statistics on the same instants: the only LRA difference left is the 1 Hz vs 10 Hz sampling.
  expect(Math.abs(d(lra1Hz, ref.lra))).toBeLessThanOrEqual(0.05);
  for (const v of tp) expect(Math.abs(v)).toBeLessThanOrEqual(0.2);
}

describe.skipIf(skipReason !== null)('ama against libebur128 on the same audio', () => {
  it.each([44100, 48000, 96000])('stereo programme material at %i Hz', (fs) => {
    const block = programme(fs, 2, fs / 100);
    compare(`stereo ${fs} Hz`, meterOver(block, fs, ['L', 'R']), reference(block, fs, ['L', 'R']));
  });

  it('5.1 programme material with a loud LFE at 48 kHz', () => {
    const fs = 48000;
    const layout: ChannelRole[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const block = programme(fs, 6, 51, 60).map((x, c) => (layout[c] === 'LFE' ? sine({ frequencyHz: 45, amplitudeDbfs: -4, durationSec: x.length / fs, sampleRate: fs })[0] : x));
    compare('5.1 48000 Hz', meterOver(block, fs, layout), reference(block, fs, layout));
  });

  it('the Tech 3341 case 1 tone at 44.1 kHz', () => {
    const fs = 44100;
    const block = sine({ frequencyHz: 1000, amplitudeDbfs: -23, durationSec: 20, sampleRate: fs, channels: 2 });
    compare('3341-1 44100 Hz', meterOver(block, fs, ['L', 'R']), reference(block, fs, ['L', 'R']));
  });
});
