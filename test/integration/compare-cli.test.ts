import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wavWriter.js';
import { filter, highShelf, powerAt, shapedNoise } from '../unit/analysis/profile/signals.js';
import { ama, run, skipWithout } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-compare-'));
const cache = path.join(dir, 'cache');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);
const env = { AMA_CACHE_DIR: cache };

/** Programme-like stereo noise of 2^log2n frames: a -3 dB/octave spectrum, partly correlated between channels. */
function programme(fs: number, log2n: number, seed: number): Float32Array[] {
  const n = 2 ** log2n;
  const common = shapedNoise(n, fs, seed, -1, 0.1, 20, 20000);
  const l = shapedNoise(n, fs, seed + 1, -1, 0.04, 20, 20000);
  const r = shapedNoise(n, fs, seed + 2, -1, 0.04, 20, 20000);
  return [common.map((v, i) => v + l[i]), common.map((v, i) => v + r[i])];
}

const refA = programme(48000, 20, 10);
writeWav(at('ref-a.wav'), refA, 48000, { format: 'float32' });
writeWav(at('ref-b.wav'), programme(44100, 19, 20), 44100, { format: 'float32' }); // another rate and length
// The mix: reference A through a +6 dB high shelf at 4 kHz (too bright).
const shelf = highShelf(4000, 6, 48000);
writeWav(at('bright.wav'), refA.map((ch) => filter(ch, shelf)), 48000, { format: 'float32' });
writeWav(at('mono.wav'), [programme(48000, 19, 30)[0]], 48000, { format: 'float32' });
writeWav(at('short.wav'), programme(48000, 18, 40), 48000, { format: 'float32' });
writeWav(at('silent.wav'), [new Float32Array(48000 * 12), new Float32Array(48000 * 12)], 48000, { format: 'pcm16' });

type Row = { feature: string; unit: string; mix: number | null; mean: number | null; min: number | null; max: number | null; inside: boolean | null; outsideBy: number | null; deltaFromMean: number | null; centerHz?: number };
type Out = { features: Row[]; warnings: string[]; references: Array<{ file: string; cached: boolean; error?: string }> };

async function compare(mix: string, refs: string[], extraEnv = {}): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await ama(['compare', '--json', ...refs.flatMap((f) => ['--ref', at(f)]), at(mix)], { ...env, ...extraEnv });
  expect(r.stdout, r.stderr).not.toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) as Out, stderr: r.stderr };
}

describe('ama compare', () => {
  it('a reference identical to the mix is a perfect match', async () => {
    const { code, out } = await compare('ref-a.wav', ['ref-a.wav', 'ref-a.wav']);
    expect(code).toBe(0);
    const comparable = out.features.filter((f) => f.inside !== null);
    expect(comparable.length).toBeGreaterThan(100);
    for (const f of comparable) {
      expect(f.inside, f.feature).toBe(true);
      expect(f.deltaFromMean, f.feature).toBe(0);
    }
    expect(out.features.find((f) => f.feature === 'tonal.mid.1kHz')).toMatchObject({ unit: 'dB', inside: true });
  });

  it('finds a +6 dB high shelf: band by band, the mix differs from its own reference by the shelf response', async () => {
    const { out } = await compare('bright.wav', ['ref-a.wav', 'ref-b.wav']);
    const band = (hz: string) => out.features.find((f) => f.feature === `tonal.mid.${hz}`)!;
    // Levels are relative to each track's loudness, which the shelf raised too, so every band moves by
    // the same offset on top of the filter's own response: compare each band with the 250 Hz band.
    const ref250 = band('250Hz').deltaFromMean!;
    const responseDb = (f: number) => 10 * Math.log10(powerAt(shelf, f, 48000));
    for (const [hz, f] of [['125Hz', 125], ['500Hz', 500], ['8kHz', 8000], ['10kHz', 10000], ['12.5kHz', 12500], ['16kHz', 16000]] as const) {
      expect(band(hz).deltaFromMean! - ref250, hz).toBeCloseTo(responseDb(f) - responseDb(250), 0);
      expect(Math.abs(band(hz).deltaFromMean! - ref250 - (responseDb(f) - responseDb(250))), hz).toBeLessThan(0.5);
    }
    for (const hz of ['8kHz', '10kHz', '12.5kHz', '16kHz']) {
      expect(band(hz).inside, hz).toBe(false);
      expect(band(hz).outsideBy!, hz).toBeGreaterThan(0);
    }
    const tilt = out.features.find((f) => f.feature === 'tiltDbPerOctave')!;
    expect(tilt.mix!).toBeGreaterThan(tilt.max!);
    // References at 48 and 44.1 kHz compare in Hz: the same band centres from both.
    expect(out.features.filter((f) => f.feature.startsWith('tonal.mid.')).map((f) => f.centerHz)).toContain(1000);
  });

  it('handles a mono mix: width is zero and said so', async () => {
    const { code, out, stderr } = await compare('mono.wav', ['ref-a.wav', 'ref-b.wav']);
    expect(code).toBe(0);
    expect(out.features.find((f) => f.feature === 'sideToMidDb')!.mix).toBeNull();
    expect(out.features.find((f) => f.feature === 'correlation')!.mix).toBe(1);
    expect(stderr).toMatch(/mono mix: its width is zero/);
    expect(out.warnings.join('\n')).toMatch(/mono mix/);
  });

  it('refuses short and silent references with a reason, and goes on with the others', async () => {
    const { code, out } = await compare('bright.wav', ['ref-a.wav', 'short.wav', 'silent.wav']);
    expect(code).toBe(1);
    const byName = Object.fromEntries(out.references.map((r) => [path.basename(r.file), r]));
    expect(byName['short.wav'].error).toMatch(/only 5\.5 s long.*at least 10 s/);
    expect(byName['silent.wav'].error).toMatch(/silent/);
    expect(byName['ref-a.wav'].error).toBeUndefined();
    expect(out.warnings.join('\n')).toMatch(/only one reference/);
    expect(out.features.length).toBeGreaterThan(100);
  });

  it('fails with a clear message when no reference is usable', async () => {
    const r = await ama(['compare', '--ref', at('short.wav'), at('bright.wav')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no usable reference track.*short\.wav/);
  });

  it('caches reference profiles by content: the second run does not decode them again', async (ctx) => {
    if (await skipWithout('ffmpeg')) return ctx.skip();
    // An M4A reference is only decodable through ffmpeg: with ffmpeg made unavailable, a second run
    // can only succeed if it does not decode the reference again.
    const m4a = at('ref-a.m4a');
    const enc = await run('ffmpeg', ['-v', 'error', '-y', '-i', at('ref-a.wav'), '-c:a', 'aac', '-b:a', '192k', m4a]);
    expect(enc.code, enc.stderr).toBe(0);
    const first = await compare('bright.wav', ['ref-a.m4a', 'ref-b.wav']);
    expect(first.out.references.map((r) => r.cached)).toEqual([false, true]);
    const second = await compare('bright.wav', ['ref-a.m4a', 'ref-b.wav'], { AMA_FFMPEG: '/nonexistent/ffmpeg', AMA_FFPROBE: '/nonexistent/ffprobe' });
    expect(second.code).toBe(0);
    expect(second.out.references.map((r) => r.cached)).toEqual([true, true]);
    expect(second.out.features).toEqual(first.out.features);
    // And the same file, uncached, cannot be read without ffmpeg: the check above is not vacuous.
    const uncached = await ama(['analyze', m4a], { AMA_FFMPEG: '/nonexistent/ffmpeg', AMA_FFPROBE: '/nonexistent/ffprobe' });
    expect(uncached.stderr).toMatch(/ffmpeg/);
  });

  it('prints the readable report with what lies outside first', async () => {
    const r = await ama(['compare', '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), at('bright.wav')], env);
    expect(r.code).toBe(0);
    const outsideAt = r.stdout.indexOf('Outside the references');
    const insideAt = r.stdout.indexOf('Inside the references');
    expect(outsideAt).toBeGreaterThan(0);
    expect(insideAt).toBeGreaterThan(outsideAt);
    expect(r.stdout.slice(outsideAt, insideAt)).toMatch(/Level \(mid\) [0-9.]+ k?Hz \.\. 20 kHz +\+[0-9.]+ dB vs mean/);
    expect(r.stdout.slice(outsideAt, insideAt)).toMatch(/Spectral tilt/);
  });
});
