import fs from 'node:fs';
import path from 'node:path';
import { WavStreamWriter } from '../src/audio/wavWriter.js';
import { renderSong, STEM_NAMES } from '../src/demo/synth.js';
import { cacheDir } from '../src/util/paths.js';

/**
 * A long programme-like WAV for the benchmarks: the demo band looped, with sections at different
 * levels (verse/chorus/break) and soft limiting on the loud ones, 48 kHz stereo 16-bit.
 * Generated once and kept in the cache.
 */
export async function benchProgramme(minutes: number): Promise<string> {
  const dir = path.join(cacheDir(), 'bench');
  const file = path.join(dir, `programme-${minutes}min-48k.wav`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const fsHz = 48000;
  const song = renderSong({ bpm: 124, bars: 8, sampleRate: fsHz, seed: 7 });
  const n = song.kick[0].length - fsHz;
  const loop: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  for (const name of STEM_NAMES) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) loop[c][i] += song[name][c][i] * 0.5;
  const sectionGainsDb = [-14, -6, -2, -9, 0, -20, -3, -1];
  const writer = await WavStreamWriter.open(file + '.part', { channels: 2, sampleRate: fsHz, format: 'pcm16' });
  const total = Math.round(minutes * 60 * fsHz);
  const out: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  for (let done = 0, k = 0; done < total; k++) {
    const g = 10 ** (sectionGainsDb[k % sectionGainsDb.length] / 20) * 1.6;
    const len = Math.min(n, total - done);
    for (let c = 0; c < 2; c++) for (let i = 0; i < len; i++) out[c][i] = 0.95 * Math.tanh(loop[c][i] * g);
    await writer.write([out[0].subarray(0, len), out[1].subarray(0, len)]);
    done += len;
  }
  await writer.close();
  fs.renameSync(file + '.part', file);
  return file;
}
