import fs from 'node:fs';
import { designCompressor } from '../agents/dynamics.js';
import { buildMixes } from '../scripts/corpus/build.js';
import { measure, readAudio } from '../scripts/corpus/mix.js';
import { analyzeCached } from '../src/reference/cache.js';
import type { TrackFigures } from '../src/reference/features.js';
import { renderSuggestions } from '../src/render/index.js';
import { applyMove } from '../src/suggest/predict.js';
import type { ParamsByKind, Suggestion } from '../src/suggest/types.js';
import { heading } from './common.js';

/**
 * `node dist/bench/compressorModel.js [--dump FILE]`: how well src/suggest/predict.ts predicts what a
 * compressor does to the integrated loudness and the true peak, on the efficacy corpus (real music).
 *
 * For a few mixes per song (balanced, quiet, squashed, low end up, harsh, narrow) it renders the
 * compressors the dynamics agent designs (broadband for PLR gaps of 1..6 dB, per band, the slow
 * leveller at the short-term median), with no make-up, measures the result with the BS.1770 meter
 * and prints predicted against measured change. Make-up is left out because it is a plain gain that
 * the model adds exactly; what is measured is the gain reduction the programme really gets.
 */

type Comp = ParamsByKind['compressor'];
interface Row { group: string; mix: string; label: string; predI: number; measI: number; predTp: number; measTp: number; figures: Record<string, number | null>; params: Comp }

const FAULTS = ['balanced', 'quiet', 'squashed', 'lowUp', 'harsh', 'narrow'] as const;
const BANDS = [
  { name: 'low', key: 'crestLowDb', highHz: 200, lo: 0, hi: 200 },
  { name: 'mid', key: 'crestMidDb', lowHz: 200, highHz: 4000, lo: 200, hi: 4000 },
  { name: 'high', key: 'crestHighDb', lowHz: 4000, lo: 4000, hi: Infinity },
] as const;

const comp = (p: Comp): Suggestion => ({ key: 'dynamics:master:compressor', agent: 'dynamics', scope: 'master', kind: 'compressor', params: p, confidence: 1, rationale: '', evidence: {} });

/** The compressors to try on one mix, all with 0 dB make-up. */
function settingsFor(f: TrackFigures): Array<{ group: string; label: string; params: Comp }> {
  const dy = f.profile.dynamics;
  const peak = dy.samplePeakDbfs, median = dy.shortTerm?.p50Lufs ?? null;
  if (peak === null || median === null) return [];
  const t = dy.transientsPerSec ?? 2;
  const times = t > 4 ? { attackMs: 10, releaseMs: 100 } : t >= 1 ? { attackMs: 15, releaseMs: 150 } : { attackMs: 25, releaseMs: 250 };
  const out: Array<{ group: string; label: string; params: Comp }> = [];
  for (const gap of [1, 2, 3, 4, 6]) out.push({ group: 'broadband', label: `gap ${gap}`, params: { ...designCompressor(peak, median, gap, times), makeupDb: 0 } });
  if (process.env.FAST) for (const a of (process.env.FAST ?? "0,1,3").split(",").map(Number)) for (const gap of [2, 4]) out.push({ group: `bb att ${a}`, label: `gap ${gap}`, params: { ...designCompressor(peak, median, gap, times), attackMs: a, makeupDb: 0 } });
  for (const ratio of [2, 3]) out.push({ group: 'leveller', label: `${ratio}:1 @ median`, params: { thresholdDb: Math.round(median * 10) / 10, ratio, attackMs: 30, releaseMs: 400, kneeDb: 10, makeupDb: 0 } });
  const ref = f.profile.tonal.referenceLufs;
  for (const b of BANDS) {
    const crest = dy[b.key];
    const pw = f.profile.tonal.thirdOctave.filter((x) => x.centerHz >= b.lo && x.centerHz < b.hi).reduce((a, x) => a + (x.midDb === null ? 0 : 10 ** (x.midDb / 10)), 0);
    if (ref === null || crest === null || !(pw > 0)) continue;
    const rms = ref + 10 * Math.log10(pw);
    for (const gap of [2, 4]) {
      const p = designCompressor(Math.min(rms + crest, peak), rms - 3, gap, times);
      out.push({ group: `band ${b.name}`, label: `gap ${gap}`, params: { ...p, makeupDb: 0, ...('lowHz' in b ? { lowHz: b.lowHz } : {}), ...('highHz' in b ? { highHz: b.highHz } : {}) } });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const dump = process.argv.indexOf('--dump');
  heading('compressor model: predicted against measured loudness and true-peak change (no make-up)');
  const songs = await buildMixes();
  const rows: Row[] = [];
  for (const song of songs) {
    for (const fault of FAULTS) {
      const file = fault === 'balanced' ? song.balanced : song.faults[fault];
      const { analysis } = await analyzeCached(file);
      const fig: TrackFigures = { loudness: analysis.loudness, profile: analysis.profile! };
      const { audio, sampleRate } = await readAudio(file);
      const i0 = fig.loudness.integratedLufs!, tp0 = fig.loudness.truePeakDbtp!;
      for (const s of settingsFor(fig)) {
        const pred = applyMove(fig, comp(s.params)).loudness;
        const got = measure(renderSuggestions(audio, sampleRate, [comp(s.params)]).audio, sampleRate);
        const dy = fig.profile.dynamics;
        rows.push({
          group: s.group, mix: `${song.id}/${fault}`, label: s.label, params: s.params,
          predI: pred.integratedLufs! - i0, measI: got.integratedLufs! - i0, predTp: pred.truePeakDbtp! - tp0, measTp: got.truePeakDbtp! - tp0,
          figures: { i: i0, tp: tp0, samplePeak: dy.samplePeakDbfs, stMax: fig.loudness.shortTermMaxLufs, ...dy.shortTerm, crest: dy.crestDb, crestLow: dy.crestLowDb, crestMid: dy.crestMidDb, crestHigh: dy.crestHighDb, ref: fig.profile.tonal.referenceLufs, rms: dy.rmsDbfs, nps: dy.nearPeakShare, tps: dy.transientsPerSec, psr: dy.psrDb, plr: dy.plrDb },
        });
        const r = rows[rows.length - 1];
        console.log(`${r.mix.padEnd(18)} ${r.group.padEnd(10)} ${r.label.padEnd(14)} ${s.params.ratio}:1 @ ${s.params.thresholdDb.toFixed(1).padStart(6)} | loudness pred ${r.predI.toFixed(2).padStart(6)} meas ${r.measI.toFixed(2).padStart(6)} | TP pred ${r.predTp.toFixed(2).padStart(6)} meas ${r.measTp.toFixed(2).padStart(6)}`);
      }
    }
  }
  heading('summary: error of the predicted change (predicted - measured), dB');
  console.log('group       n   loudness mean  mean|err|  max|err| | true peak mean  mean|err|');
  for (const g of [...new Set(rows.map((r) => r.group))]) {
    const rs = rows.filter((r) => r.group === g);
    const e = rs.map((r) => r.predI - r.measI), et = rs.map((r) => r.predTp - r.measTp);
    const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ma = (xs: number[]) => m(xs.map(Math.abs));
    console.log(`${g.padEnd(10)} ${String(rs.length).padStart(3)} ${m(e).toFixed(2).padStart(14)} ${ma(e).toFixed(2).padStart(10)} ${Math.max(...e.map(Math.abs)).toFixed(2).padStart(9)} | ${m(et).toFixed(2).padStart(14)} ${ma(et).toFixed(2).padStart(10)}`);
  }
  if (dump > 0) fs.writeFileSync(process.argv[dump + 1], JSON.stringify(rows));
}

await main();
