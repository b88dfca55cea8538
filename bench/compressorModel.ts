import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { designCompressor } from '../agents/dynamics.js';
import { buildMixes } from '../scripts/corpus/build.js';
import { measure, move, readAudio } from '../scripts/corpus/mix.js';
import { writeWav } from '../src/audio/wavWriter.js';
import { renderSong, STEM_NAMES } from '../src/demo/synth.js';
import { analyzeCached } from '../src/reference/cache.js';
import type { TrackFigures } from '../src/reference/features.js';
import { renderSuggestions } from '../src/render/index.js';
import { bandProgrammeLevels, detectorOffsetDb, programmeLevels, SLOW_ATTACK_MS } from '../src/suggest/compressorModel.js';
import { applyMove } from '../src/suggest/predict.js';
import type { ParamsByKind, Suggestion } from '../src/suggest/types.js';
import { heading } from './common.js';

/**
 * `node dist/bench/compressorModel.js [--dump FILE]`: how well src/suggest/predict.ts predicts what a
 * compressor does to the integrated loudness and the true peak, on the efficacy corpus (real music).
 *
 * For a few mixes per song (balanced, quiet, squashed, low end up, harsh, narrow) it renders the
 * compressors the dynamics agent designs (bus compressors for PLR gaps of 1..6 dB, per band, the
 * slow leveller), and for comparison the designs it used to make (10 ms attack; a leveller with its
 * threshold at the median loudness), with no make-up, measures the result with the BS.1770 meter
 * and prints predicted against measured change of loudness, true peak and PLR (true peak minus
 * loudness). Make-up is left out because it is a plain gain that the model adds exactly; what is
 * measured is the gain reduction the programme really gets.
 */

type Comp = ParamsByKind['compressor'];
interface Row { group: string; mix: string; label: string; predI: number; measI: number; predTp: number; measTp: number; figures: Record<string, number | null>; params: Comp }

const FAULTS = ['balanced', 'quiet', 'squashed', 'lowUp', 'harsh', 'narrow'] as const;
const BANDS = [{ name: 'low', highHz: 200 }, { name: 'mid', lowHz: 200, highHz: 4000 }, { name: 'high', lowHz: 4000 }] as const;

const comp = (p: Comp): Suggestion => ({ key: 'dynamics:master:compressor', agent: 'dynamics', scope: 'master', kind: 'compressor', params: p, confidence: 1, rationale: '', evidence: {} });

/** The compressors to try on one mix, all with 0 dB make-up. */
function settingsFor(f: TrackFigures): Array<{ group: string; label: string; params: Comp }> {
  const levels = programmeLevels(f);
  if (!levels) return [];
  const out: Array<{ group: string; label: string; params: Comp }> = [];
  const push = (group: string, label: string, p: Comp | undefined) => p && out.push({ group, label, params: { ...p, makeupDb: 0 } });
  for (const gap of [1, 2, 3, 4, 6]) {
    const d = designCompressor(levels, gap, 100)?.params;
    push('bus', `gap ${gap}`, d);
    // The same with the 10 ms attack the agent used to propose: the peaks slip through.
    push('bus 10 ms', `gap ${gap}`, d && { ...d, attackMs: 10 });
  }
  const median = levels.shortTerm.p50Lufs;
  for (const ratio of [2, 3]) {
    const slow = { ratio, attackMs: SLOW_ATTACK_MS, releaseMs: 400, kneeDb: 10, makeupDb: 0 };
    push('leveller', `${ratio}:1`, { ...slow, thresholdDb: Math.round((median + detectorOffsetDb(levels, SLOW_ATTACK_MS)) * 10) / 10 });
    // The leveller the agent used to propose, its threshold at the median loudness: it compresses everything.
    push('lev@median', `${ratio}:1`, { ...slow, thresholdDb: Math.round(median * 10) / 10 });
  }
  for (const b of BANDS) {
    const band = bandProgrammeLevels(f, 'lowHz' in b ? b.lowHz : undefined, 'highHz' in b ? b.highHz : undefined);
    if (!band) continue;
    for (const gap of [2, 4]) {
      const d = designCompressor(band.levels, gap, 100)?.params;
      push(`band ${b.name}`, `gap ${gap}`, d && { ...d, ...('lowHz' in b ? { lowHz: b.lowHz } : {}), ...('highHz' in b ? { highHz: b.highHz } : {}) });
    }
  }
  return out;
}

/** The demo band (src/demo/synth.ts, another kind of material than the MIDI corpus): stems summed, peak at -1 dBFS. */
function demoMix(seed: number, sampleRate: number): Float32Array[] {
  const song = renderSong({ bpm: 120, bars: 16, sampleRate, seed });
  const n = song.kick[0].length;
  const mix = [new Float32Array(n), new Float32Array(n)];
  for (const stem of STEM_NAMES) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) mix[c][i] += song[stem][c][i];
  let peak = 0;
  for (const ch of mix) for (const v of ch) peak = Math.max(peak, Math.abs(v));
  const g = 10 ** (-1 / 20) / peak;
  return mix.map((ch) => ch.map((v) => v * g));
}

/** The mixes measured: a few per corpus song, and the demo band at four seeds, plain and limited 6 dB. */
async function* materials(dir: string): AsyncGenerator<{ name: string; file: string }> {
  for (const song of await buildMixes()) {
    for (const fault of FAULTS) yield { name: `${song.id}/${fault}`, file: fault === 'balanced' ? song.balanced : song.faults[fault] };
  }
  for (const seed of [1, 2, 3, 4]) {
    const plain = demoMix(seed, 48000);
    const limited = renderSuggestions(plain, 48000, [move('limiter', { inputGainDb: 6, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 1.5 })]).audio;
    for (const [kind, audio] of [['plain', plain], ['limited', limited]] as const) {
      const file = path.join(dir, `demo${seed}-${kind}.wav`);
      writeWav(file, audio, 48000);
      yield { name: `demo${seed}/${kind}`, file };
    }
  }
}

/** Every compressor of settingsFor rendered onto one mix, predicted and measured; prints a line each. */
async function measureMix(name: string, file: string): Promise<Row[]> {
  const { analysis } = await analyzeCached(file);
  const fig: TrackFigures = { loudness: analysis.loudness, profile: analysis.profile! };
  const { audio, sampleRate } = await readAudio(file);
  const i0 = fig.loudness.integratedLufs!, tp0 = fig.loudness.truePeakDbtp!;
  const dy = fig.profile.dynamics;
  const figures = { i: i0, tp: tp0, samplePeak: dy.samplePeakDbfs, stMax: fig.loudness.shortTermMaxLufs, ...dy.shortTerm, crest: dy.crestDb, nps: dy.nearPeakShare, plr: dy.plrDb };
  const rows: Row[] = [];
  for (const s of settingsFor(fig)) {
    const pred = applyMove(fig, comp(s.params)).loudness;
    const got = measure(renderSuggestions(audio, sampleRate, [comp(s.params)]).audio, sampleRate);
    const r: Row = {
      group: s.group, mix: name, label: s.label, params: s.params, figures,
      predI: pred.integratedLufs! - i0, measI: got.integratedLufs! - i0, predTp: pred.truePeakDbtp! - tp0, measTp: got.truePeakDbtp! - tp0,
    };
    rows.push(r);
    const n = (x: number) => x.toFixed(2).padStart(6);
    console.log(`${r.mix.padEnd(18)} ${r.group.padEnd(10)} ${r.label.padEnd(6)} ${s.params.ratio}:1 @ ${s.params.thresholdDb.toFixed(1).padStart(6)} | loudness pred ${n(r.predI)} meas ${n(r.measI)} | TP pred ${n(r.predTp)} meas ${n(r.measTp)} | PLR pred ${n(r.predTp - r.predI)} meas ${n(r.measTp - r.measI)}`);
  }
  return rows;
}

async function main(): Promise<void> {
  const dump = process.argv.indexOf('--dump');
  heading('compressor model: predicted against measured loudness and true-peak change (no make-up)');
  const rows: Row[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-compressor-model-'));
  try {
    for await (const { name, file } of materials(dir)) rows.push(...await measureMix(name, file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  heading('summary: error of the predicted change (predicted - measured), dB');
  console.log('material group       n   loudness mean  mean|err|  max|err| | true peak mean  mean|err| | PLR change pred   meas');
  const key = (r: Row) => `${r.mix.startsWith('demo') ? 'demo    ' : 'corpus  '} ${r.group}`;
  for (const g of [...new Set(rows.map(key))]) {
    const rs = rows.filter((r) => key(r) === g);
    const e = rs.map((r) => r.predI - r.measI), et = rs.map((r) => r.predTp - r.measTp);
    const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ma = (xs: number[]) => m(xs.map(Math.abs));
    const dp = m(rs.map((r) => r.predTp - r.predI)), dm = m(rs.map((r) => r.measTp - r.measI));
    console.log(`${g.padEnd(19)} ${String(rs.length).padStart(3)} ${m(e).toFixed(2).padStart(14)} ${ma(e).toFixed(2).padStart(10)} ${Math.max(...e.map(Math.abs)).toFixed(2).padStart(9)} | ${m(et).toFixed(2).padStart(14)} ${ma(et).toFixed(2).padStart(10)} | ${dp.toFixed(2).padStart(15)} ${dm.toFixed(2).padStart(6)}`);
  }
  if (dump > 0) fs.writeFileSync(process.argv[dump + 1], JSON.stringify(rows));
}

await main();
