import type { FeatureComparison } from './compare.js';

const NAMES: Record<string, string> = {
  integratedLufs: 'Integrated loudness',
  truePeakDbtp: 'True peak',
  shortTermMaxLufs: 'Short-term max',
  loudnessRangeLu: 'Loudness range',
  plrDb: 'PLR (peak to loudness)',
  psrDb: 'PSR (peak to short-term)',
  crestDb: 'Crest factor',
  crestLowDb: 'Crest, lows (<200 Hz)',
  crestMidDb: 'Crest, mids',
  crestHighDb: 'Crest, highs (>4 kHz)',
  nearPeakShare: 'Time near the peak',
  transientsPerSec: 'Transient density',
  shortTermPeakSpreadLu: 'Loud-passage lift (S p95-p50)',
  tiltDbPerOctave: 'Spectral tilt',
  centroidHz: 'Spectral centroid',
  'energyShare.sub': 'Energy share, sub 20-60 Hz',
  'energyShare.bass': 'Energy share, bass 60-250 Hz',
  'energyShare.lowMids': 'Energy share, low-mids 250-500 Hz',
  'energyShare.mids': 'Energy share, mids 500-2k',
  'energyShare.presence': 'Energy share, presence 2-5k',
  'energyShare.brilliance': 'Energy share, brilliance 5-10k',
  'energyShare.air': 'Energy share, air 10-20k',
  balanceDb: 'L/R balance (R-L)',
  correlation: 'Correlation',
  sideToMidDb: 'Width (side to mid)',
  monoLossDb: 'Level lost in mono',
  'lowEnd.sideToMidDb': 'Low-end width (<150 Hz)',
  'lowEnd.correlation': 'Low-end correlation',
};

/** A readable name for a feature key. */
export function featureLabel(feature: string): string {
  if (NAMES[feature]) return NAMES[feature];
  const st = /^stem\.(\w+)\.(levelDb|sideToMidDb|pan|tonal\.(.+))$/.exec(feature);
  if (st) {
    const what = st[3] ? `level ${st[3].replace(/(Hz|kHz)$/, ' $1')}` : { levelDb: 'level against the mix', sideToMidDb: 'width', pan: 'pan' }[st[2]];
    return `Stem ${st[1]}, ${what}`;
  }
  const m = /^(tonal\.mid|tonal\.side|width|correlation|pan)\.(.+)$/.exec(feature);
  if (m) {
    const kind = { 'tonal.mid': 'Level (mid)', 'tonal.side': 'Level (side)', width: 'Width', correlation: 'Correlation', pan: 'Pan' }[m[1]];
    return `${kind} ${m[2].replace(/(Hz|kHz)$/, ' $1')}`;
  }
  return feature;
}

/** A value in its unit, for tables: shares as percent, ratios with two decimals. */
export function formatValue(value: number | null, unit: string, signed = false): string {
  if (value === null) return 'n/a';
  const sign = signed && value > 0 ? '+' : '';
  switch (unit) {
    case 'ratio':
      return `${sign}${value.toFixed(2)}`;
    case 'Hz':
      return `${sign}${value.toFixed(0)} Hz`;
    case '1/s':
      return `${sign}${value.toFixed(1)} /s`;
    case 'dB/oct':
      return `${sign}${value.toFixed(2)} dB/oct`;
    default:
      return `${sign}${value.toFixed(1)} ${unit}`;
  }
}

/** How far outside a comparison is, in units of its tolerance (for ranking what matters most). */
export function severity(c: FeatureComparison): number {
  if (!c.outsideBy) return 0;
  return Math.abs(c.outsideBy) / Math.max(c.tolerance, 1e-6);
}
