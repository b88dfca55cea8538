import { ISO_THIRD_OCTAVE_NOMINAL_HZ } from '../dsp/bands.js';
import type { TargetDistance } from '../reference/distance.js';
import { featureLabel } from '../reference/labels.js';
import { hz } from './spectrum.js';
import type { Suggestion } from './types.js';

/** Readable renderings of proposals, for `ama suggest` and `ama apply`. */

const SHAPE: Record<string, string> = { peaking: 'bell', lowShelf: 'low shelf', highShelf: 'high shelf', highPass: 'high-pass' };
const sgn = (x: number, d = 1) => `${x > 0 ? '+' : ''}${x.toFixed(d)}`;

/** What to do, in a few words: `EQ bell 2.5 kHz -3.1 dB, Q 1.4`. */
export function headline(s: Suggestion): string {
  switch (s.kind) {
    case 'gain': return `Gain ${sgn(s.params.gainDb)} dB`;
    case 'stemGain': return `Stem gain ${sgn(s.params.gainDb)} dB`;
    case 'limiter': return `True-peak limiter: drive ${sgn(s.params.inputGainDb)} dB, ceiling ${s.params.ceilingDbtp.toFixed(1)} dBTP`;
    case 'eqBand': {
      const b = s.params;
      const what = `EQ ${SHAPE[b.type]} ${hz(b.frequencyHz)}`;
      if (b.type === 'highPass') return `${what}, 12 dB/oct`;
      return `${what} ${sgn(b.gainDb)} dB${b.type === 'peaking' ? `, Q ${b.q}` : ''}`;
    }
    case 'compressor': {
      const c = s.params;
      const band = c.lowHz !== undefined || c.highHz !== undefined ? ` on ${hz(c.lowHz ?? 20)}..${c.highHz !== undefined ? hz(c.highHz) : 'top'}` : '';
      return `Compressor${band}: ${c.ratio}:1 from ${c.thresholdDb.toFixed(1)} dBFS, attack ${c.attackMs} ms, release ${c.releaseMs} ms, knee ${c.kneeDb} dB, make-up ${sgn(c.makeupDb)} dB`;
    }
    case 'width': return `Width ${hz(s.params.lowHz)}..${hz(s.params.highHz)}: side ${sgn(s.params.sideGainDb)} dB`;
    case 'monoBelow': return `Mono below ${hz(s.params.frequencyHz)}`;
    case 'balance': return `Balance ${Math.abs(s.params.balanceDb).toFixed(1)} dB to the ${s.params.balanceDb > 0 ? 'right' : 'left'}`;
    case 'note': return `Note: ${s.key.split(':').pop()!.replace(/@.*/, '')}`;
  }
}

const UNITS: Array<[RegExp, string]> = [[/Hz$/, 'Hz'], [/Dbtp$/, 'dBTP'], [/Db$/, 'dB'], [/Ms$/, 'ms'], [/Lufs$/, 'LUFS'], [/Lu$/, 'LU']];

/** Parameters with their units: `frequencyHz 2500 Hz, gainDb -3.1 dB, q 1.41`. */
export function paramsText(s: Suggestion): string {
  return Object.entries(s.params as Record<string, unknown>)
    .map(([k, v]) => {
      if (typeof v !== 'number') return `${k} ${String(v)}`;
      const unit = k === 'ratio' ? ':1' : UNITS.find(([re]) => re.test(k))?.[1] ?? '';
      return `${k} ${+v.toFixed(2)}${unit === ':1' ? unit : unit ? ` ${unit}` : ''}`;
    })
    .join(', ');
}

/** Which distance a proposal's prediction is in. */
export function predictedLabel(s: Suggestion): string {
  switch (s.kind) {
    case 'gain': case 'limiter': return 'loudness distance (LU + dB over the ceiling)';
    case 'eqBand': return s.scope === 'side' ? 'stereo distance (dB)' : 'tonal distance (dB)';
    case 'width': case 'monoBelow': return 'stereo distance (dB)';
    case 'balance': return 'balance offset (dB)';
    case 'compressor': return 'dynamics distance (dB)';
    case 'stemGain': return 'stem level offset from the references (dB)';
    default: return 'distance';
  }
}

/** Collapses per-band feature names (`tonal.mid.250Hz` ...) into ranges of adjacent bands, other names labelled. */
export function withinSummary(features: readonly string[]): string[] {
  const families = new Map<string, number[]>();
  const single: string[] = [];
  for (const f of features) {
    const m = /^(tonal\.mid|tonal\.side|width|correlation|pan)\.([0-9.]+)(k?)Hz$/.exec(f);
    if (!m) { single.push(NAMES[f] ?? featureLabel(f)); continue; }
    families.set(m[1], [...(families.get(m[1]) ?? []), parseFloat(m[2]) * (m[3] ? 1000 : 1)]);
  }
  const out = [...single];
  const label = { 'tonal.mid': 'Level (mid)', 'tonal.side': 'Level (side)', width: 'Width', correlation: 'Correlation', pan: 'Pan' } as Record<string, string>;
  for (const [fam, centres] of families) {
    const idx = [...new Set(centres.map((c) => ISO_THIRD_OCTAVE_NOMINAL_HZ.indexOf(c)))].filter((i) => i >= 0).sort((a, b) => a - b);
    const runs: string[] = [];
    for (let i = 0; i < idx.length; i++) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
      const lo = ISO_THIRD_OCTAVE_NOMINAL_HZ[idx[i]], hi = ISO_THIRD_OCTAVE_NOMINAL_HZ[idx[j]];
      runs.push(i === j ? hz(lo) : `${hz(lo)}..${hz(hi)}`);
      i = j;
    }
    if (runs.length) out.push(`${label[fam]} ${runs.join(', ')}`);
  }
  return out;
}

/** Names of the tonal agent's diagnoses when they are within ("not boomy"). */
const NAMES: Record<string, string> = {
  boomy: 'not boomy', thin: 'not thin', muddy: 'not muddy', boxy: 'not boxy', harsh: 'not harsh', sibilant: 'not sibilant', dull: 'not dull',
};

/** The distance in one line. */
export function distanceText(d: TargetDistance): string {
  const f = (x: number | null, unit: string) => (x === null ? 'n/a' : `${x.toFixed(2)} ${unit}`);
  return `tonal ${f(d.tonalDb, 'dB')}, stereo ${f(d.stereoDb, 'dB')}, dynamics ${f(d.dynamicsDb, 'dB')}, loudness ${f(d.loudnessLu, 'LU')}, true peak over the ceiling ${f(d.truePeakOverDb, 'dB')}`;
}
