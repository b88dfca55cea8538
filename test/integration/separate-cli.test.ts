import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wavWriter.js';
import { readWholeFile } from '../../src/separation/stemCache.js';
import { STEM_NAMES } from '../../src/separation/types.js';
import { ama } from '../helpers/cli.js';
import { captured, constructedMix } from '../unit/separation/signals.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-separate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);
const env = { AMA_CACHE_DIR: path.join(dir, 'cache') };

// 44.1 kHz on purpose: the stems must come back at the mix's own rate.
const c = constructedMix(4, 44100);
writeWav(at('mix.wav'), c.mix, 44100, { format: 'float32' });

/** A 12 s track of the constructed parts with the "voice" offset by `vocalDb` and a panned pad as "other". */
function track(vocalDb: number, drumsDb = 0, seed = 1): Float32Array[] {
  const s = constructedMix(12, 48000, seed);
  const pad = s.tone.map((ch, k) => ch.map((_, i) => 0.03 * Math.sin((2 * Math.PI * 660 * i) / 48000) * (k === 0 ? 1.4 : 0.3)));
  const gv = 10 ** (vocalDb / 20), gd = 10 ** (drumsDb / 20);
  return [0, 1].map((k) => s.mix[k].map((_, i) => gv * s.tone[k][i] + gd * s.bursts[k][i] + s.low[k][i] + pad[k][i]));
}

describe('ama separate', () => {
  it('writes four stems at the mix rate and length that sum back to the mix, the voice in vocals', async () => {
    const r = await ama(['separate', at('mix.wav'), '-o', at('stems'), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { separator: string; sampleRate: number; files: Record<string, string>; stems: Record<string, { levelDb: number }> };
    expect(out.separator).toBe('dsp');
    const stems: Record<string, Float32Array[]> = {};
    for (const name of STEM_NAMES) {
      expect(out.files[name]).toBe(at(`stems/${name}.wav`));
      const a = await readWholeFile(out.files[name]);
      expect(a.sampleRate).toBe(44100);
      expect(a.channels).toHaveLength(2);
      expect(a.channels[0]).toHaveLength(c.mix[0].length);
      stems[name] = a.channels;
    }
    let worst = 0;
    for (let k = 0; k < 2; k++) for (let i = 0; i < c.mix[k].length; i++) worst = Math.max(worst, Math.abs(STEM_NAMES.reduce((a, n) => a + stems[n][k][i], 0) - c.mix[k][i]));
    expect(worst).toBeLessThan(1e-5);
    expect(captured(c.tone, stems.vocals)).toBeGreaterThan(0.8);
    expect(captured(c.low, stems.bass)).toBeGreaterThan(0.9);
    expect(captured(c.bursts, stems.drums)).toBeGreaterThan(0.8);
  });

  it('prints a readable table, and refuses an unknown model naming the valid ones', async () => {
    const r = await ama(['separate', at('mix.wav'), '-o', at('stems2')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Separated .* with dsp .*x real time/);
    for (const name of STEM_NAMES) expect(r.stdout).toMatch(new RegExp(`\\n  ${name} .*${name}\\.wav`));
    const bad = await ama(['separate', at('mix.wav'), '-o', at('stems3'), '--model', 'spleeter'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown separator "spleeter".*dsp, htdemucs, umx/);
  });

  it('falls back to dsp, saying why, when a model separator cannot open', async () => {
    const r = await ama(['separate', at('mix.wav'), '-o', at('stems4'), '--model', 'umx', '--json'], { ...env, AMA_MODELS_DIR: at('no-models') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).separator).toBe('dsp');
    expect(r.stderr).toMatch(/warning: .*using the built-in dsp separator instead/);
  });
});

describe('ama suggest and apply with stems', () => {
  writeWav(at('ref1.wav'), track(0, 1, 2), 48000, { format: 'float32' });
  writeWav(at('ref2.wav'), track(1, -1, 3), 48000, { format: 'float32' });
  writeWav(at('ref3.wav'), track(-1, 0, 4), 48000, { format: 'float32' });
  writeWav(at('loud-vocal.wav'), track(6, 0, 5), 48000, { format: 'float32' });
  const refs = ['--ref', at('ref1.wav'), '--ref', at('ref2.wav'), '--ref', at('ref3.wav')];

  it('proposes lowering the vocal bus when the voice is 6 dB hot, and nothing on stems with --no-stems', async () => {
    const r = await ama(['suggest', '--json', '--only', 'stems', ...refs, at('loud-vocal.wav')], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { options: { separator: string }; suggestions: Array<{ scope: string; kind: string; params: { gainDb: number }; rationale: string }> };
    expect(out.options.separator).toBe('dsp');
    const v = out.suggestions.find((s) => s.scope === 'stem:vocals' && s.kind === 'stemGain');
    expect(v, JSON.stringify(out.suggestions)).toBeDefined();
    expect(v!.params.gainDb).toBeLessThan(-3);
    expect(v!.params.gainDb).toBeGreaterThan(-9);
    expect(v!.rationale).toMatch(/^Lower the vocal bus .*separated by dsp/);
    const off = await ama(['suggest', '--json', '--no-stems', ...refs, at('loud-vocal.wav')], env);
    expect(JSON.parse(off.stdout).suggestions.filter((s: { agent: string }) => s.agent === 'stems')).toEqual([]);
  });

  it('renders the stem move by re-balancing the separated stems, labelled as a preview', async () => {
    const r = await ama(['apply', '--only', 'stems', ...refs, at('loud-vocal.wav'), '-o', at('fixed.wav')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Preview: the stem moves \(vocals -[0-9.]+ dB\) were rendered by re-balancing stems that ama separated from the mix with dsp/);
    // The voice's level in the result, read by separating it again, is back near the references'.
    const sep = await ama(['separate', '--json', at('fixed.wav'), '-o', at('fixed-stems')], env);
    const before = await ama(['separate', '--json', at('loud-vocal.wav'), '-o', at('loud-stems')], env);
    const ref = await ama(['separate', '--json', at('ref1.wav'), '-o', at('ref-stems')], env);
    const level = (x: { stdout: string }) => JSON.parse(x.stdout).stems.vocals.levelDb as number;
    expect(Math.abs(level(sep) - level(ref))).toBeLessThan(Math.abs(level(before) - level(ref)) / 2);
  });
});
