import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silence, sine } from '../../src/audio/generate.js';
import { writeWav } from '../../src/audio/wavWriter.js';
import { ama } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

// EBU Tech 3341 case 1: stereo 1 kHz at -23 dBFS reads -23.0 LUFS; the sine's RMS is its peak - 3.01 dB.
writeWav(at('tone.wav'), sine({ frequencyHz: 1000, amplitudeDbfs: -23, durationSec: 20, sampleRate: 48000, channels: 2 }), 48000, { format: 'pcm24' });
writeWav(at('silence.wav'), silence(5, 44100, 2), 44100, { format: 'pcm16' });
const nan = sine({ frequencyHz: 440, amplitudeDbfs: -20, durationSec: 2, sampleRate: 48000, channels: 2 });
for (const i of [100, 2000, 30000]) nan[0][i] = NaN;
nan[1][500] = Infinity;
writeWav(at('nan.wav'), nan, 48000, { format: 'float32' });
fs.writeFileSync(at('notes.wav'), 'hello world, this is a text file\n');
fs.writeFileSync(at('empty.wav'), '');
const full = fs.readFileSync(at('tone.wav'));
fs.writeFileSync(at('cut.wav'), full.subarray(0, Math.floor(full.length / 3)));

describe('ama analyze', () => {
  it('analyses every good file, reports every bad one by name, and exits 1', async () => {
    const files = ['tone.wav', 'notes.wav', 'empty.wav', 'cut.wav', 'nan.wav', 'missing.wav', 'silence.wav'].map(at);
    const r = await ama(['analyze', '--json', ...files]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Array<Record<string, any>>;
    expect(out.map((e) => e.file)).toEqual(files);

    const tone = out[0];
    expect(tone.format).toMatchObject({ codec: 'pcm_s24le', sampleRate: 48000, channels: 2 });
    expect(tone.format.durationSec).toBeCloseTo(20, 3);
    const l = tone.loudness;
    expect(Math.abs(l.integratedLufs + 23)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(l.momentaryMaxLufs + 23)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(l.shortTermMaxLufs + 23)).toBeLessThanOrEqual(0.1);
    expect(l.loudnessRangeLu).toBeLessThanOrEqual(1);
    expect(l.samplePeakDbfs).toBeCloseTo(-23, 1);
    expect(l.truePeakDbtp - -23).toBeGreaterThanOrEqual(-0.4);
    expect(l.truePeakDbtp - -23).toBeLessThanOrEqual(0.2);
    expect(l.rmsDbfs).toBeCloseTo(-26.01, 1);
    expect(l.crestDb).toBeCloseTo(3.01, 1);
    expect(l.plrDb).toBeCloseTo(l.truePeakDbtp - l.integratedLufs, 6);
    expect(l.psrDb).toBeCloseTo(l.truePeakDbtp - l.shortTermMaxLufs, 6);

    const codes = Object.fromEntries(out.slice(1, 6).map((e) => [path.basename(e.file), e.code]));
    expect(codes).toEqual({
      'notes.wav': 'NOT_AUDIO',
      'empty.wav': 'EMPTY_FILE',
      'cut.wav': 'TRUNCATED',
      'nan.wav': 'NON_FINITE_SAMPLES',
      'missing.wav': 'FILE_NOT_FOUND',
    });
    expect(out[4].error).toMatch(/4 NaN\/Inf samples/);
    // One line per failed file on stderr, each naming its file.
    const errLines = r.stderr.trim().split('\n');
    expect(errLines).toHaveLength(5);
    for (const name of Object.keys(codes)) expect(errLines.some((line) => line.startsWith(`ama: ${at(name)}: `))).toBe(true);

    // Silence is valid input with no measurable loudness: nulls, never NaN.
    const quiet = out[6].loudness;
    expect(quiet.integratedLufs).toBeNull();
    expect(quiet.loudnessRangeLu).toBeNull();
    expect(quiet.truePeakDbtp).toBeNull();
    expect(r.stdout).not.toMatch(/:\s*-?(NaN|Infinity)/);
  });

  it('prints a readable report and says when there is no measurable loudness', async () => {
    const r = await ama(['analyze', at('tone.wav'), at('silence.wav')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Integrated\s+-23\.0 LUFS/);
    expect(r.stdout).toMatch(/No measurable loudness/);
  });

  it('exits 0 when every file is good, and 2 on a usage error', async () => {
    expect((await ama(['analyze', '--json', at('tone.wav')])).code).toBe(0);
    const usage = await ama(['analyze']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument/);
  });
});
