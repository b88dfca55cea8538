// Constructed mixes and targets for the agent tests: MixProfile-shaped objects whose figures are
// set directly (no audio), so each test states the fault it plants. Also a helper that measures
// real audio with the analyzers, for the EQ recovery test.
import type { FileLoudness } from '../../../src/analysis/analyzeFile.js';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { ProfileAnalyzer } from '../../../src/analysis/profile/index.js';
import { SIXTH_OCTAVE, THIRD_OCTAVE } from '../../../src/analysis/profile/spectralFrame.js';
import { MixProfileSchema, type MixProfile } from '../../../src/analysis/profileSchema.js';
import { compareToTarget } from '../../../src/reference/compare.js';
import type { TrackFigures } from '../../../src/reference/features.js';
import { buildTarget, type ReferenceTarget } from '../../../src/reference/target.js';
import { DEFAULT_AGENT_OPTIONS } from '../../../src/suggest/options.js';
import type { AgentInput, AgentOptions } from '../../../src/suggest/types.js';

/** What a constructed track looks like; every field has a balanced default. */
export interface TrackSpec {
  /** Integrated loudness, LUFS. */
  lufs?: number;
  /** True peak, dBTP. */
  truePeakDbtp?: number;
  /** Peak to short-term max, dB. */
  psrDb?: number;
  loudnessRangeLu?: number;
  crestDb?: number;
  crestLowDb?: number;
  crestMidDb?: number;
  crestHighDb?: number;
  transientsPerSec?: number;
  /** Added to the mid level at each frequency (a fault's shape), dB. */
  midShape?: (hz: number) => number;
  /** Added to the side level only, dB. */
  sideShape?: (hz: number) => number;
  /** Side-to-mid ratio before sideShape, dB. */
  widthDb?: (hz: number) => number;
  balanceDb?: number;
  /** Band correlations, overriding the balanced-image value. */
  correlation?: (hz: number) => number | undefined;
  monoInput?: boolean;
  sampleRateHz?: number;
}

/** A programme-like spectrum: -3 dB/octave relative to pink above 1 kHz, flat below (dB per 1/6 octave, re the loudness). */
export function baseMidDb(hz: number): number {
  const oct = Math.log2(hz / 1000);
  return -18 + (oct > 0 ? -2.5 * oct : -0.8 * oct) - (hz < 40 ? 6 * Math.log2(40 / hz) : 0);
}

const defaultWidth = (hz: number) => (hz < 120 ? -25 : -9);
const p = (db: number) => 10 ** (db / 10);
const db = (x: number) => 10 * Math.log10(x);

/** A constructed mix or reference (see TrackSpec). */
export function track(spec: TrackSpec = {}): TrackFigures {
  const lufs = spec.lufs ?? -14;
  const tp = spec.truePeakDbtp ?? -1;
  const widthDb = spec.widthDb ?? defaultWidth;
  const mid6 = (f: number) => baseMidDb(f) + (spec.midShape?.(f) ?? 0);
  const side6 = (f: number) => (spec.monoInput ? -120 : mid6(f) + widthDb(f) + (spec.sideShape?.(f) ?? 0));
  // Renormalise to the loudness: the bands' K-ish power sum is 0 dB re the loudness whatever the shape.
  let total = 0;
  SIXTH_OCTAVE.nominalHz.forEach((f) => (total += p(mid6(f)) + p(side6(f))));
  const norm = db(total) - db(SIXTH_OCTAVE.nominalHz.reduce((a, f) => a + p(baseMidDb(f)) + p(baseMidDb(f) + defaultWidth(f)), 0));
  const sixthOctave = SIXTH_OCTAVE.nominalHz.map((f) => ({ centerHz: f, midDb: mid6(f) - norm, sideDb: Math.max(-120, side6(f) - norm) }));
  const thirdOctave = THIRD_OCTAVE.nominalHz.map((f, i) => ({
    centerHz: f,
    midDb: db(p(sixthOctave[2 * i].midDb) + p(sixthOctave[2 * i + 1].midDb)),
    sideDb: Math.max(-120, db(p(sixthOctave[2 * i].sideDb) + p(sixthOctave[2 * i + 1].sideDb))),
  }));
  const bands = thirdOctave.map((b) => {
    const r = b.sideDb - b.midDb;
    const corr = spec.correlation?.(b.centerHz) ?? (1 - p(r)) / (1 + p(r));
    return { centerHz: b.centerHz, correlation: corr, sideToMidDb: Math.max(-120, r), pan: 0 };
  });
  const m = thirdOctave.reduce((a, b) => a + p(b.midDb), 0), s = thirdOctave.reduce((a, b) => a + p(b.sideDb), 0);
  const low = thirdOctave.filter((b) => b.centerHz <= 141);
  const lm = low.reduce((a, b) => a + p(b.midDb), 0), ls = low.reduce((a, b) => a + p(b.sideDb), 0);
  const psr = spec.psrDb ?? 8;
  const lra = spec.loudnessRangeLu ?? 5;
  const profile: MixProfile = {
    version: 1, sampleRateHz: spec.sampleRateHz ?? 48000, channels: spec.monoInput ? 1 : 2, analysedSec: 30, programmeSec: 30,
    analysis: { frameSize: 16384, hopSize: 8192, frameSec: 0.341, hopSec: 0.171, window: 'hann', bands: 'IEC 61260-1 base-10', gateAbsoluteLufs: -70, gateRelativeLu: -20 },
    tonal: { referenceLufs: lufs, thirdOctave, sixthOctave },
    descriptors: { tiltDbPerOctave: -4, centroidHz: 1500, energyShare: { sub: 0.1, bass: 0.3, lowMids: 0.15, mids: 0.25, presence: 0.1, brilliance: 0.07, air: 0.03 } },
    stereo: {
      monoInput: spec.monoInput ?? false, note: null, balanceDb: spec.balanceDb ?? 0,
      correlation: spec.correlation ? 0.6 : (m - s) / (m + s), sideToMidDb: spec.monoInput ? -120 : db(s / m),
      sideShare: s / (m + s), monoLossDb: db((m + s) / m),
      lowEnd: { maxHz: 141.3, correlation: (lm - ls) / (lm + ls), sideToMidDb: spec.monoInput ? -120 : db(ls / lm) },
      bands,
    },
    dynamics: {
      samplePeakDbfs: tp - 0.3, rmsDbfs: tp - (spec.crestDb ?? 10), crestDb: spec.crestDb ?? 10,
      crestLowDb: spec.crestLowDb ?? 9, crestMidDb: spec.crestMidDb ?? 11, crestHighDb: spec.crestHighDb ?? 13,
      nearPeakShare: 0.02, transientsPerSec: spec.transientsPerSec ?? 3, integratedLufs: lufs, loudnessRangeLu: lra,
      plrDb: tp - lufs, psrDb: psr,
      shortTerm: { p10Lufs: lufs - lra / 2 - 1, p50Lufs: lufs, p90Lufs: lufs + lra / 2 - 0.5, p95Lufs: lufs + lra / 2 },
      shortTermPeakSpreadLu: lra / 2,
    },
    notes: [],
  };
  MixProfileSchema.parse(profile);
  const loudness: FileLoudness = {
    integratedLufs: lufs, loudnessRangeLu: lra, momentaryMaxLufs: tp - psr + 1, shortTermMaxLufs: tp - psr,
    truePeakDbtp: tp, samplePeakDbfs: tp - 0.3, rmsDbfs: tp - (spec.crestDb ?? 10), crestDb: spec.crestDb ?? 10,
    plrDb: tp - lufs, psrDb: psr, durationSec: 30, channels: [],
  };
  return { loudness, profile };
}

/** A target from constructed references. */
export function targetOf(refs: TrackFigures[]): ReferenceTarget {
  return buildTarget(refs.map((figures, i) => ({
    info: { file: `ref-${i}.wav`, sha256: `${i}`, sampleRateHz: figures.profile.sampleRateHz, channels: 2, durationSec: 30, integratedLufs: figures.loudness.integratedLufs },
    figures,
  })));
}

/** Two balanced references that differ a little (an envelope of some width). */
export function balancedRefs(extra: TrackSpec = {}): TrackFigures[] {
  return [
    track({ ...extra, lufs: (extra.lufs ?? -14) - 0.5, midShape: (f) => 0.4 * Math.sin(Math.log2(f)) + (extra.midShape?.(f) ?? 0) }),
    track({ ...extra, lufs: (extra.lufs ?? -14) + 0.5, midShape: (f) => -0.4 * Math.sin(Math.log2(f)) + (extra.midShape?.(f) ?? 0), crestDb: (extra.crestDb ?? 10) + 0.6, psrDb: (extra.psrDb ?? 8) + 0.5 }),
  ];
}

/** The agents' input for a mix against references. */
export function inputFor(mix: TrackFigures, refs: TrackFigures[]): AgentInput {
  const target = targetOf(refs);
  return { mix, comparisons: compareToTarget(mix, target), target };
}

/** Default options, overridable. */
export function opts(o: Partial<AgentOptions> = {}): AgentOptions {
  return { ...DEFAULT_AGENT_OPTIONS, ...o };
}

/** Measures planar audio with the real meter and profile analyzers (what analyzeFile does, in memory). */
export function measure(channels: Float32Array[], sampleRate: number): TrackFigures {
  const layout = channels.length === 1 ? (['mono'] as const) : (['L', 'R'] as const);
  const meter = new LoudnessMeter({ sampleRate, layout: [...layout] });
  const profiler = new ProfileAnalyzer({ sampleRate, channels: channels.length, layout: [...layout] });
  const n = channels[0].length;
  for (let s = 0; s < n; s += 8192) {
    const block = channels.map((c) => c.subarray(s, Math.min(n, s + 8192)));
    meter.process(block);
    profiler.process(block);
  }
  const reading = meter.read();
  const profile = profiler.read({ ...reading, shortTermHistory: meter.shortTermHistory() });
  const { momentaryLufs: _m, shortTermLufs: _s, nonFiniteSamples: _n, ...loudness } = reading;
  return { loudness, profile };
}
