/**
 * Constructed comparison data for the plot tests: rows built the way compareToTarget builds them,
 * and a plausible mix (muddy low-mids, recessed presence, quiet and dynamic) against three references.
 */
import { ISO_THIRD_OCTAVE_NOMINAL_HZ } from '../../../src/dsp/bands.js';
import type { FeatureGroup } from '../../../src/reference/features.js';
import type { FeatureComparison } from '../../../src/reference/compare.js';
import type { ReferenceTarget } from '../../../src/reference/target.js';

/** One comparison row from the mix value and each reference's value (null = not measurable). */
export function row(
  feature: string, unit: string, group: FeatureGroup, mix: number | null, refs: Array<number | null>,
  tolerance: number, centerHz?: number,
): FeatureComparison {
  const present = refs.filter((v): v is number => v !== null);
  const min = present.length ? Math.min(...present) : null;
  const max = present.length ? Math.max(...present) : null;
  const mean = present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
  const comparable = mix !== null && min !== null && max !== null && mean !== null;
  let outsideBy: number | null = null;
  if (comparable) {
    if (mix < min - tolerance) outsideBy = mix - (min - tolerance);
    else if (mix > max + tolerance) outsideBy = mix - (max + tolerance);
    else outsideBy = 0;
  }
  return {
    feature, unit, group, ...(centerHz !== undefined ? { centerHz } : {}), mix, mean, min, max,
    inside: comparable ? outsideBy === 0 : null, outsideBy, deltaFromMean: comparable ? mix - mean : null, tolerance,
  };
}

/** A target shell with `n` references (the plot reads only the envelope kind and the count). */
export function targetOf(n: number, envelope: ReferenceTarget['envelope'] = 'min-max'): ReferenceTarget {
  return {
    version: 1,
    envelope,
    references: Array.from({ length: n }, (_, i) => ({
      file: `ref${i + 1}.wav`, sha256: '0'.repeat(64), sampleRateHz: 48000, channels: 2, durationSec: 200, integratedLufs: -9,
    })),
    features: [],
    profiles: [],
  };
}

/** Band name as the feature extractor writes it (`1kHz`, `31.5Hz`). */
export function bandName(hz: number): string {
  return hz >= 1000 ? `${+(hz / 1000).toFixed(2)}kHz` : `${+hz.toFixed(1)}Hz`;
}

const bump = (hz: number, centreHz: number, gainDb: number, widthOct: number) =>
  gainDb * Math.exp(-0.5 * (Math.log2(hz / centreHz) / widthOct) ** 2);

/** A typical modern master's mid spectrum, dB relative to its loudness. */
function referenceMid(hz: number): number {
  const oct = Math.log2(hz / 1000);
  const slope = oct > 0 ? -3.4 * oct - (hz > 10000 ? 5 * Math.log2(hz / 10000) : 0) : -2.1 * oct;
  const subRollOff = hz < 45 ? -7 * Math.log2(45 / hz) ** 1.6 : 0;
  return -17 + slope + subRollOff + bump(hz, 70, 2.5, 0.6);
}

/** Three references, a mix, every figure `ama compare` plots. */
export function plausibleComparisons(): FeatureComparison[] {
  const out: FeatureComparison[] = [];
  const refs = [0, 1, 2];
  const wobble = (i: number, k: number, amp: number) => amp * Math.sin(0.9 * i + 2.1 * k) + 0.4 * (k - 1);
  ISO_THIRD_OCTAVE_NOMINAL_HZ.forEach((hz, i) => {
    const ref = refs.map((k) => referenceMid(hz) + wobble(i, k, 1.2));
    const mean = ref.reduce((a, b) => a + b, 0) / ref.length;
    const mix = hz === 20000 ? null : mean + bump(hz, 250, 5, 0.45) + bump(hz, 3500, -4.5, 0.5) + bump(hz, 12500, 3, 0.3);
    out.push(row(`tonal.mid.${bandName(hz)}`, 'dB', 'spectrum', mix, ref, 0.75, hz));
  });
  ISO_THIRD_OCTAVE_NOMINAL_HZ.forEach((hz, i) => {
    const width = (k: number) => -24 + 14 * Math.min(1, Math.max(0, Math.log2(hz / 100) / 6)) + wobble(i, k, 1.5);
    const refW = refs.map(width);
    const mixW = hz === 20000 ? null : refW[1] + (hz > 4000 ? 4 : 0) + (hz < 80 ? 6 : 0);
    const mid = referenceMid(hz);
    out.push(row(`tonal.side.${bandName(hz)}`, 'dB', 'spectrum', mixW === null ? null : mid + mixW, refW.map((w) => mid + w), 1, hz));
    out.push(row(`width.${bandName(hz)}`, 'dB', 'stereoBands', mixW, refW, 1.5, hz));
    const corr = (w: number) => Math.max(-1, Math.min(1, 1 - 2 * 10 ** (w / 10)));
    out.push(row(`correlation.${bandName(hz)}`, 'ratio', 'stereoBands', mixW === null ? null : corr(mixW), refW.map(corr), 0.05, hz));
  });
  const scalar: Array<[string, string, FeatureGroup, number | null, number[], number]> = [
    ['integratedLufs', 'LUFS', 'loudness', -12.3, [-9.2, -8.4, -10.1], 0.5],
    ['truePeakDbtp', 'dBTP', 'loudness', 0.4, [-0.9, -0.3, -1.0], 0.3],
    ['shortTermMaxLufs', 'LUFS', 'loudness', -9.8, [-6.5, -5.9, -7.4], 0.5],
    ['loudnessRangeLu', 'LU', 'dynamics', 7.9, [5.1, 6.3, 4.2], 1],
    ['plrDb', 'dB', 'dynamics', 12.7, [8.3, 8.1, 9.1], 0.5],
    ['psrDb', 'dB', 'dynamics', 8.6, [7.2, 6.8, 8.0], 0.5],
    ['crestDb', 'dB', 'dynamics', 14.1, [10.5, 10.1, 11.3], 0.5],
    ['crestLowDb', 'dB', 'dynamics', 10.4, [9.0, 8.6, 10.0], 0.5],
    ['crestMidDb', 'dB', 'dynamics', 12.0, [10.2, 9.9, 11.0], 0.5],
    ['crestHighDb', 'dB', 'dynamics', 13.2, [12.0, 11.5, 13.0], 0.5],
    ['tiltDbPerOctave', 'dB/oct', 'tonal', -4.3, [-4.4, -4.1, -4.8], 0.2],
    ['balanceDb', 'dB', 'stereo', 0.1, [0.2, -0.1, 0.0], 0.3],
    ['correlation', 'ratio', 'stereo', 0.66, [0.62, 0.71, 0.55], 0.03],
    ['sideToMidDb', 'dB', 'stereo', -10.4, [-11.2, -9.8, -13.1], 1],
    ['monoLossDb', 'dB', 'stereo', 0.7, [0.8, 0.6, 1.1], 0.3],
    ['lowEnd.correlation', 'ratio', 'stereo', 0.81, [0.97, 0.99, 0.95], 0.03],
  ];
  for (const [f, unit, group, mix, r, tol] of scalar) out.push(row(f, unit, group, mix, r, tol));
  return out;
}
