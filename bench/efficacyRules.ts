import type { FaultName } from '../scripts/corpus/faults.js';
import type { TargetDistance } from '../src/reference/distance.js';
import type { Suggestion } from '../src/suggest/types.js';

/**
 * What counts as "the right direction" for each fault of the efficacy benchmark, and how big a move
 * is (for the false-alarm check on balanced mixes).
 *
 * A proposal is *relevant* to a fault when it acts on the fault's region or aspect; a relevant one is
 * *right* when its sign undoes the fault and *wrong* when it makes it worse. Proposals elsewhere (an
 * EQ dip at 700 Hz for a dull-top fault) are neither: they are listed as "other" and measured only
 * through the distance. Tonal diagnoses (notes) count too: "boomy" is right for too much low end,
 * "thin" is wrong.
 *
 * - lowUp / lowDown (low shelf +-6 dB at 120 Hz): EQ bands whose centre or corner lies at or below
 *   250 Hz (any shelf or high-pass corner up to 300 Hz); right: a cut (a high-pass counts as a cut)
 *   for lowUp, a boost for lowDown. Diagnoses boomy/muddy vs thin.
 * - harsh (+6 dB at 3.5 kHz): peaking bands 1.6-7 kHz and high shelves with corner 1.6-6 kHz; right:
 *   a cut. Diagnoses harsh/sibilant vs dull.
 * - dull (high shelf -6 dB at 6 kHz): peaking bands from 4 kHz and high shelves from 2.5 kHz; right:
 *   a boost. Diagnosis dull vs harsh/sibilant.
 * - narrow / wide (side -9 / +6 dB): width moves, mono-below, side-scope EQ and gains; right: more
 *   side for narrow, less side (or mono-below) for wide.
 * - squashed (limiter driven 10 dB): the dynamics agent's proposals and limiters; right: the
 *   "back off compression" note; wrong: a compressor or a limiter that drives harder.
 * - quiet / loud (-10 dB / +6 dB clipped): master gain and limiter moves; right: a gain (or limiter
 *   drive) of the sign that undoes the fault.
 */

/** How a proposal relates to a fault. */
export type Verdict = 'right' | 'wrong' | 'other';

const gainOf = (s: Suggestion): number | null => {
  if (s.kind === 'eqBand') return s.params.type === 'highPass' ? -Infinity : s.params.gainDb;
  if (s.kind === 'gain' || s.kind === 'stemGain') return s.params.gainDb;
  if (s.kind === 'limiter') return s.params.inputGainDb;
  if (s.kind === 'width') return s.params.sideGainDb;
  return null;
};

/** A diagnosis name from a tonal note key (`tonal:master:boomy` -> boomy). */
const diagnosis = (s: Suggestion): string | null => (s.kind === 'note' && s.agent === 'tonal' ? s.key.split(':').pop() ?? null : null);

function signVerdict(g: number | null, wantPositive: boolean): Verdict {
  if (g === null || g === 0) return 'other';
  return g > 0 === wantPositive ? 'right' : 'wrong';
}

function diagnosisVerdict(s: Suggestion, right: string[], wrong: string[]): Verdict {
  const d = diagnosis(s);
  return d && right.includes(d) ? 'right' : d && wrong.includes(d) ? 'wrong' : 'other';
}

/** Is this EQ band in a frequency region (by type: peaking centre, shelf/high-pass corner)? */
function eqIn(s: Suggestion, peak: [number, number], shelf: [number, number], shelfType: 'lowShelf' | 'highShelf' | null): boolean {
  if (s.kind !== 'eqBand') return false;
  const f = s.params.frequencyHz;
  const t = s.params.type;
  if (t === 'peaking') return f >= peak[0] && f <= peak[1];
  if (t === 'highPass') return shelfType === 'lowShelf' && f <= shelf[1];
  return t === shelfType && f >= shelf[0] && f <= shelf[1];
}

/** The verdict on one proposal for one fault (see the module comment). */
export function verdict(fault: FaultName, s: Suggestion): Verdict {
  switch (fault) {
    case 'lowUp':
    case 'lowDown': {
      const up = fault === 'lowUp';
      if (eqIn(s, [0, 250], [0, 300], 'lowShelf')) return signVerdict(gainOf(s), !up);
      return up ? diagnosisVerdict(s, ['boomy', 'muddy'], ['thin']) : diagnosisVerdict(s, ['thin'], ['boomy', 'muddy']);
    }
    case 'harsh':
      if (eqIn(s, [1600, 7000], [1600, 6000], 'highShelf')) return signVerdict(gainOf(s), false);
      return diagnosisVerdict(s, ['harsh', 'sibilant'], ['dull']);
    case 'dull':
      if (eqIn(s, [4000, 24000], [2500, 16000], 'highShelf')) return signVerdict(gainOf(s), true);
      return diagnosisVerdict(s, ['dull'], ['harsh', 'sibilant']);
    case 'narrow':
    case 'wide': {
      const wider = fault === 'narrow';
      if (s.kind === 'monoBelow') return wider ? 'wrong' : 'right';
      if (s.kind === 'width' || (s.scope === 'side' && (s.kind === 'eqBand' || s.kind === 'gain'))) return signVerdict(gainOf(s), wider);
      return 'other';
    }
    case 'squashed':
      if (s.key === 'dynamics:master:backoff') return 'right';
      if (s.kind === 'compressor') return 'wrong';
      if (s.kind === 'limiter') return signVerdict(gainOf(s), false);
      return 'other';
    case 'quiet':
    case 'loud':
      if (s.scope === 'master' && (s.kind === 'gain' || s.kind === 'limiter')) return signVerdict(gainOf(s), fault === 'quiet');
      return 'other';
  }
}

/**
 * How big a move is, dB, for the false-alarm check: |gain| of gains, EQ bands, balance and width;
 * for a limiter the larger of its drive and the peak reduction it would do; for a compressor the
 * gain reduction it would apply at the mix's sample peak; Infinity for a high-pass or mono-below
 * (no dB figure, and never a trim); 0 for notes.
 */
export function magnitudeDb(s: Suggestion, samplePeakDbfs: number | null): number {
  switch (s.kind) {
    case 'note':
      return 0;
    case 'monoBelow':
      return Infinity;
    case 'balance':
      return Math.abs(s.params.balanceDb);
    case 'limiter':
      return Math.max(Math.abs(s.params.inputGainDb), Number(s.evidence.limitingDb ?? 0));
    case 'compressor': {
      const peak = samplePeakDbfs ?? 0;
      return Math.max(0, peak - s.params.thresholdDb) * (1 - 1 / s.params.ratio);
    }
    default:
      return Math.abs(gainOf(s) ?? 0);
  }
}

/** A proposal in a few characters, for the tables: `eq mid peaking 2719 Hz -4.4 dB`. */
export function shortMove(s: Suggestion): string {
  const p = s.params as Record<string, unknown>;
  const n = (v: unknown, d = 1) => (typeof v === 'number' ? (v > 0 ? '+' : '') + v.toFixed(d) : String(v));
  switch (s.kind) {
    case 'eqBand': return `eq ${s.scope} ${s.params.type} ${Math.round(s.params.frequencyHz)} Hz ${s.params.type === 'highPass' ? '' : `${n(p.gainDb)} dB`}`.trim();
    case 'width': return `width ${s.params.lowHz}-${s.params.highHz} Hz side ${n(p.sideGainDb)} dB`;
    case 'compressor': return `compressor ${s.params.ratio}:1 @ ${s.params.thresholdDb.toFixed(1)} dBFS${s.params.lowHz || s.params.highHz ? ` ${s.params.lowHz ?? 0}-${s.params.highHz ?? ''} Hz` : ''}`;
    case 'limiter': return `limiter drive ${n(p.inputGainDb)} dB`;
    case 'gain': return `gain ${s.scope} ${n(p.gainDb)} dB`;
    case 'monoBelow': return `mono below ${s.params.frequencyHz} Hz`;
    case 'balance': return `balance ${n(p.balanceDb)} dB`;
    case 'stemGain': return `${s.scope} ${n(p.gainDb)} dB`;
    case 'note': return `note ${s.key.split(':').slice(1).join(':')}`;
  }
}

/** Which distance figure a fault is judged by. */
export function aspectDistance(aspect: 'tonal' | 'stereo' | 'dynamics' | 'level', d: TargetDistance): number | null {
  switch (aspect) {
    case 'tonal': return d.tonalDb;
    case 'stereo': return d.stereoDb;
    case 'dynamics': return d.dynamicsDb;
    case 'level': return d.loudnessLu;
  }
}
