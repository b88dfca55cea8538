import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stftSizeFor } from '../../../../src/analysis/profile/index.js';
import { filter, peaking, profileOf, shapedNoise, writeFloatWav } from './signals.js';

const SCRIPT = fileURLToPath(new URL('../../../fixtures/welch_bands.py', import.meta.url));
// Debian's python3 (with python3-scipy, which scripts/install-system-deps.sh installs) first, then PATH's.
const PYTHONS = ['/usr/bin/python3', 'python3'];
const probes = PYTHONS.map((py) => ({ py, r: spawnSync(py, ['-c', 'import numpy, scipy.signal, scipy.io.wavfile'], { encoding: 'utf8' }) }));
const PYTHON = probes.find((p) => !p.r.error && p.r.status === 0)?.py ?? null;
const scipyMissing = PYTHON ? null : `no python3 with scipy and numpy (${PYTHONS.join(', ')})`;
if (scipyMissing && process.env.CI === 'true') throw new Error(`CI needs python3-scipy: ${scipyMissing}; run scripts/install-system-deps.sh`);
if (scipyMissing) console.warn(`Skipping the scipy cross-check: ${scipyMissing}. Install python3-scipy to run it.`);

describe('band levels against scipy.signal.welch', () => {
  it.skipIf(scipyMissing !== null)('agree within 0.5 dB in every 1/3-octave band above 40 Hz (relative to 1 kHz, and absolute)', () => {
    const fs = 48000;
    const n = 2 ** 21; // 43.7 s
    // Programme-like: a -4.5 dB/octave spectrum with resonances and a notch, partly correlated L/R.
    const resonances = [peaking(180, 8, 4, fs), peaking(2500, 6, 3, fs), peaking(7000, -10, 2, fs), peaking(60, 5, 2, fs)];
    const common = resonances.reduce((x, q) => filter(x, q), shapedNoise(n, fs, 71, -1.5, 0.1, 10, 23000));
    const left = shapedNoise(n, fs, 72, -1, 0.03).map((v, i) => v + common[i]);
    const right = shapedNoise(n, fs, 73, -1, 0.03).map((v, i) => v + 0.8 * common[i]);
    const dir = mkdtempSync(join(tmpdir(), 'ama-welch-'));
    try {
      const wav = join(dir, 'programme.wav');
      writeFloatWav(wav, [left, right], fs);
      const run = spawnSync(PYTHON ?? 'python3', [SCRIPT, wav, String(stftSizeFor(fs).size)], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const ref = JSON.parse(run.stdout) as { centersHz: number[]; levelsDb: Array<number | null> };
      const p = profileOf([left, right], fs);
      const ours = p.tonal.thirdOctave;
      expect(ref.centersHz).toHaveLength(ours.length);
      const i1k = ours.findIndex((b) => b.centerHz === 1000);
      let checked = 0;
      ours.forEach((band, i) => {
        if (band.centerHz < 40) return;
        const relOurs = band.midDb! - ours[i1k].midDb!;
        const relRef = ref.levelsDb[i]! - ref.levelsDb[i1k]!;
        expect(Math.abs(relOurs - relRef), `${band.centerHz} Hz: ama ${relOurs.toFixed(3)}, scipy ${relRef.toFixed(3)}`).toBeLessThan(0.5);
        expect(Math.abs(band.midDb! + p.tonal.referenceLufs! - ref.levelsDb[i]!)).toBeLessThan(0.5);
        checked++;
      });
      expect(checked).toBe(28);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
