import type { Encoding } from './mappingSchema.js';

/**
 * Value encodings between ama's units (dB, Hz, octaves, Q, ms, balance dB) and a DAW's wire
 * values (raw units, 0..1 faders, log-tapered knobs, calibration tables). Pure functions; each
 * encoding has an exact inverse, used to read values back in ama's units.
 */

function lerp(x: number, [a, b]: readonly [number, number], [c, d]: readonly [number, number]): number {
  return b === a ? c : c + ((x - a) * (d - c)) / (b - a);
}

/** Piecewise-linear interpolation through points sorted by their first coordinate; clamped at the ends. */
function interpolate(x: number, pts: ReadonlyArray<readonly [number, number]>): number {
  if (x <= pts[0][0]) return pts[0][1];
  for (let i = 1; i < pts.length; i++) if (x <= pts[i][0]) return lerp(x, [pts[i - 1][0], pts[i][0]], [pts[i - 1][1], pts[i][1]]);
  return pts[pts.length - 1][1];
}

/** ama's value -> the wire value. */
export function encodeValue(e: Encoding, v: number): number {
  switch (e.kind) {
    case 'raw': return v;
    case 'linear': return lerp(v, e.from, e.to);
    case 'log': return lerp(Math.log(Math.max(v, 1e-12)), [Math.log(e.from[0]), Math.log(e.from[1])], e.to);
    case 'table': return interpolate(v, [...e.points].sort((a, b) => a[0] - b[0]));
    case 'amplitude': return e.scale * 10 ** (v / 20);
    case 'balance': {
      // The quieter side drops by |v| dB, the louder stays: wire = center ± span (1 - 10^(-|v|/20)).
      const shift = 1 - 10 ** (-Math.abs(v) / 20);
      return e.center + Math.sign(v) * e.span * shift;
    }
  }
}

/** The wire value -> ama's value (the inverse of encodeValue). */
export function decodeValue(e: Encoding, w: number): number {
  switch (e.kind) {
    case 'raw': return w;
    case 'linear': return lerp(w, e.to, e.from);
    case 'log': return Math.exp(lerp(w, e.to, [Math.log(e.from[0]), Math.log(e.from[1])]));
    case 'table': return interpolate(w, e.points.map(([a, b]) => [b, a] as [number, number]).sort((a, b) => a[0] - b[0]));
    case 'amplitude': return w <= 0 ? -Infinity : 20 * Math.log10(w / e.scale);
    case 'balance': {
      const x = Math.min(1, Math.abs(w - e.center) / Math.abs(e.span));
      if (x >= 1) return Math.sign(w - e.center) * 120;
      return Math.sign(w - e.center) * Math.sign(e.span) * -20 * Math.log10(1 - x);
    }
  }
}

/** The wire range an encoding can produce over ama's range [lo, hi] (sorted). */
export function wireRange(e: Encoding, lo: number, hi: number): [number, number] {
  const a = encodeValue(e, lo);
  const b = encodeValue(e, hi);
  return a <= b ? [a, b] : [b, a];
}

/** RBJ peaking-filter Q -> bandwidth in octaves (BW = 2/ln2 · asinh(1/(2Q))). */
export function qToOctaves(q: number): number {
  return (2 / Math.LN2) * Math.asinh(1 / (2 * q));
}

/** Bandwidth in octaves -> RBJ Q. */
export function octavesToQ(bw: number): number {
  return 1 / (2 * Math.sinh((Math.LN2 / 2) * bw));
}
