import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wavWriter.js';
import { filter, peaking, shapedNoise } from '../unit/analysis/profile/signals.js';
import { ama } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-suggest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);
const env = { AMA_CACHE_DIR: path.join(dir, 'cache') };

/** Programme-like stereo noise: pink, partly correlated between channels. */
function programme(fs: number, log2n: number, seed: number, gain = 1): Float32Array[] {
  const n = 2 ** log2n;
  const common = shapedNoise(n, fs, seed, -1, 0.1 * gain, 20, 20000);
  const l = shapedNoise(n, fs, seed + 1, -1, 0.04 * gain, 20, 20000);
  const r = shapedNoise(n, fs, seed + 2, -1, 0.04 * gain, 20, 20000);
  return [common.map((v, i) => v + l[i]), common.map((v, i) => v + r[i])];
}

writeWav(at('ref-a.wav'), programme(48000, 19, 20), 48000, { format: 'float32' });
writeWav(at('ref-b.wav'), programme(44100, 19, 30), 44100, { format: 'float32' });
// The mix: the same kind of programme, 6 dB quieter, with a +6 dB bell at 2.5 kHz (harsh).
const bell = peaking(2500, 6, 1.4, 48000);
writeWav(at('harsh.wav'), programme(48000, 19, 10, 0.5).map((ch) => filter(ch, bell)), 48000, { format: 'float32' });
writeWav(at('balanced.wav'), programme(48000, 19, 40), 48000, { format: 'float32' });

type Out = {
  version: number;
  suggestions: Array<{ key: string; agent: string; scope: string; kind: string; params: Record<string, number | string>; confidence: number; rationale: string; predicted?: { before: number; after: number }; addressedBy?: string[] }>;
  within: string[];
  notes: string[];
  distance: { tonalDb: number; stereoDb: number; dynamicsDb: number; loudnessLu: number; truePeakOverDb: number };
};

async function suggest(mix: string, ...extra: string[]): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await ama(['suggest', '--json', '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), ...extra, at(mix)], env);
  expect(r.stdout, r.stderr).not.toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) as Out, stderr: r.stderr };
}

describe('ama suggest', () => {
  it('proposes the cut that undoes a harsh bell and the gain that restores the level, in JSON', async () => {
    const { code, out } = await suggest('harsh.wav');
    expect(code).toBe(0);
    expect(out.version).toBe(1);
    for (const s of out.suggestions) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['key', 'agent', 'scope', 'kind', 'params', 'confidence', 'rationale']));
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    const eq = out.suggestions.find((s) => s.kind === 'eqBand');
    expect(eq, JSON.stringify(out.suggestions.map((s) => s.key))).toBeDefined();
    expect(eq!.key).toMatch(/^eq:master:peaking@2\.5kHz$/);
    expect(Math.abs(Math.log2((eq!.params.frequencyHz as number) / 2500))).toBeLessThan(1 / 3);
    expect(eq!.params.gainDb as number).toBeCloseTo(-6, 0);
    const gain = out.suggestions.find((s) => s.agent === 'loudness');
    expect(gain?.kind).toBe('gain');
    // The mix is 6 dB down before its bell; the cut takes the bell's own loudness back out.
    expect(Math.abs((gain!.params.gainDb as number) - 6)).toBeLessThan(0.6);
    const harsh = out.suggestions.find((s) => s.key === 'tonal:master:harsh');
    expect(harsh?.addressedBy).toContain(eq!.key);
    expect(out.distance.tonalDb).toBeGreaterThan(1);
    expect(out.distance.loudnessLu).toBeGreaterThan(3);
    expect(out.within).toContain('width.1kHz');
  });

  it('scales with --amount and runs only the agents named by --only', async () => {
    const { out: full } = await suggest('harsh.wav', '--only', 'eq');
    const { out: half } = await suggest('harsh.wav', '--only', 'eq', '--amount', '50');
    expect(new Set(full.suggestions.map((s) => s.agent))).toEqual(new Set(['eq']));
    expect(half.suggestions.map((s) => s.key)).toEqual(full.suggestions.map((s) => s.key));
    half.suggestions.forEach((s, i) => expect(s.params.gainDb as number).toBeCloseTo((full.suggestions[i].params.gainDb as number) / 2, 1));
  });

  it('proposes no move over 1 dB for a balanced mix', async () => {
    const { out } = await suggest('balanced.wav', '--only', 'eq,stereo,dynamics,tonal');
    for (const s of out.suggestions) {
      for (const k of ['gainDb', 'sideGainDb', 'balanceDb'] as const) if (typeof s.params[k] === 'number') expect(Math.abs(s.params[k] as number), s.key).toBeLessThanOrEqual(1);
    }
  });

  it('prints a readable ranked list with what lies within the references', async () => {
    const r = await ama(['suggest', '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), '--target-lufs', '-16', at('harsh.wav')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Proposals \(\d+\), largest expected effect first:/);
    expect(r.stdout).toMatch(/ 1\. .*\[(eq|loudness), master, confidence 0\.\d\d\]/);
    expect(r.stdout).toMatch(/EQ bell 2\.\d+ kHz -[56]\.\d dB, Q \d/);
    expect(r.stdout).toMatch(/why: Cut [56]\.\d dB at 2\.\d+ kHz on the master/);
    expect(r.stdout).toMatch(/loudness target -16 LUFS/);
    expect(r.stdout).toMatch(/Within the references:\n {2}eq +Level \(mid\) /);
    expect(r.stdout).toMatch(/Distance to the target now: tonal \d+\.\d+ dB/);
  });

  it('refuses bad options with every problem listed, before reading any audio', async () => {
    const r = await ama(['suggest', '--ref', at('ref-a.wav'), '--amount', '150', '--ceiling', '3', '--only', 'eq,colour', at('missing.wav')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('amount: must be within [0, 100] %, got 150');
    expect(r.stderr).toContain('ceiling: must be within [-12, 0] dBTP, got 3');
    expect(r.stderr).toContain('only: unknown agent "colour"; valid agents: eq, tonal, dynamics, stereo, stems, loudness');
    expect(r.stderr).not.toMatch(/this is a bug/);
    const missing = await ama(['suggest', '--ref', at('ref-a.wav'), at('missing.wav')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing\.wav: no such file/);
  });

  it('apply renders the proposals, measures the result, and halves the distance', async () => {
    const out = at('harsh-fixed.wav');
    const r = await ama(['apply', '--json', '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), '--ceiling', '-1', at('harsh.wav'), '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { sampleRate: number; channels: number; distance: { before: Out['distance']; after: Out['distance'] }; loudness: { afterLufs: number; intendedLufs: number; truePeakAfterDbtp: number } };
    expect(res.sampleRate).toBe(48000);
    expect(res.channels).toBe(2);
    expect(res.distance.after.tonalDb).toBeLessThan(res.distance.before.tonalDb / 2);
    expect(res.distance.after.loudnessLu).toBeLessThan(0.5);
    expect(res.loudness.truePeakAfterDbtp).toBeLessThanOrEqual(-1 + 0.05);
    // Measured back by the analyzer, independently of apply's own report.
    const a = await ama(['analyze', '--json', out], env);
    const [m] = JSON.parse(a.stdout) as Array<{ format: { sampleRate: number; channels: number }; loudness: { integratedLufs: number } }>;
    expect(m.format).toMatchObject({ sampleRate: 48000, channels: 2 });
    expect(m.loudness.integratedLufs).toBeCloseTo(res.loudness.afterLufs, 1);
    const readable = await ama(['apply', '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), '--only', 'eq', at('harsh.wav'), '-o', at('harsh-eq.wav')], env);
    expect(readable.stdout).toMatch(/Distance to the target +before +after\n +tonal \(dB\) +\d+\.\d\d +0\.\d\d/);
    const bad = await ama(['apply', '--ref', at('ref-a.wav'), at('harsh.wav'), '-o', at('x.mp3')], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ama writes WAV files/);
  });
});
