import { it } from 'vitest';
import { renderSuggestions } from '../../../src/render/index.js';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { renderSong, STEM_NAMES } from '../../../src/demo/synth.js';

it('scratch', () => {
  const fs = 48000;
  const song = renderSong({ bpm: 120, bars: 4, sampleRate: fs, seed: 3 });
  const n = song.kick[0].length;
  const mix = [new Float32Array(n), new Float32Array(n)];
  for (const s of STEM_NAMES) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) mix[c][i] += song[s][c][i] * 0.3;
  const m0 = new LoudnessMeter({ sampleRate: fs, layout: ['L', 'R'] }); m0.process(mix);
  console.log('in', m0.read().truePeakDbtp, m0.read().integratedLufs);
  const t0 = performance.now();
  const r = renderSuggestions(mix, fs, [{ key: 'l', agent: 'loudness', scope: 'master', kind: 'limiter', params: { inputGainDb: 10, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 5 }, confidence: 1, rationale: '', evidence: {} }]);
  console.log('ms', performance.now() - t0);
  const m = new LoudnessMeter({ sampleRate: fs, layout: ['L', 'R'] }); m.process(r.audio);
  console.log('out', m.read().truePeakDbtp, m.read().integratedLufs, r.notes, r.applied);
});
