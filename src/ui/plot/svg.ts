/**
 * Small SVG building blocks for the plots: escaping, number formatting, axis transforms and paths
 * with gaps. Pure string functions; nothing here knows about mixes or references.
 */

/** A rectangle in SVG user units (px): left, top, width, height. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Maps a data value to a coordinate in px. */
export type Scale = (value: number) => number;

/** Font stack: DejaVu Sans is what the PNG renderer ships; browsers fall back to their sans-serif. */
export const FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif";

/** Colours shared by every panel (dark on light). */
export const COLOURS = {
  text: '#1d2126',
  muted: '#5c6670',
  grid: '#e3e7eb',
  axis: '#9aa4ad',
  mix: '#17191c',
  refFill: '#8fb3e0',
  refMean: '#2f5f9e',
  sideMix: '#7a4fa3',
  sideFill: '#d3c2e6',
  sideMean: '#7a4fa3',
  alert: '#d1242f',
  alertFill: '#fde8e8',
  alertTint: '#fff2f2',
  panel: '#fbfcfd',
} as const;

// XML 1.0 forbids these code points outright, even escaped.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text made safe for SVG content and attribute values (markup escaped, forbidden control characters dropped). */
export function esc(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate for SVG markup: at most 2 decimals, no trailing zeros. */
export function coord(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A reading for people: fixed decimals, a true minus sign (U+2212), '+' when `signed` and positive. */
export function fmtNum(v: number, decimals: number, signed = false): string {
  const s = Math.abs(v).toFixed(decimals);
  const zero = Number(s) === 0;
  if (v < 0 && !zero) return `\u2212${s}`;
  return signed && !zero ? `+${s}` : s;
}

/** A logarithmic scale from `domain` (both > 0) onto `range` px. */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain.map(Math.log);
  const [r0, r1] = range;
  return (v) => r0 + ((Math.log(v) - d0) / (d1 - d0)) * (r1 - r0);
}

/** A linear scale from `domain` onto `range` px (a reversed range makes larger values go up). */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** Attributes written in insertion order; undefined values are left out, strings are escaped. */
export type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    s += ` ${k}="${typeof v === 'number' ? coord(v) : esc(v)}"`;
  }
  return s;
}

/** One element; `children` is already-built markup (never raw user text: use `text()` for that). */
export function el(name: string, a: Attrs, children?: string): string {
  return children === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`;
}

/** A text element with escaped content. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/**
 * Path data for a line through points, broken where a point is null: each run of
 * consecutive points becomes its own subpath, so a gap is never bridged (or drawn at zero).
 */
export function gappedLine(points: Array<[number, number] | null>): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : d ? ' M' : 'M'}${coord(p[0])} ${coord(p[1])}`;
    pen = true;
  }
  return d;
}

/**
 * Path data for a filled band between `lo` and `hi` at each x; a null edge breaks the band
 * into separate closed shapes, one per run of points where both edges are known.
 */
export function gappedBand(xs: number[], lo: Array<number | null>, hi: Array<number | null>): string {
  const shapes: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const top = run.map((i) => `${coord(xs[i])} ${coord(hi[i]!)}`);
      const bottom = run.map((i) => `${coord(xs[i])} ${coord(lo[i]!)}`).reverse();
      // A single band still gets a visible sliver: widen it by 2 px either side.
      if (run.length === 1) {
        const i = run[0];
        shapes.push(`M${coord(xs[i] - 2)} ${coord(hi[i]!)}H${coord(xs[i] + 2)}V${coord(lo[i]!)}H${coord(xs[i] - 2)}Z`);
      } else shapes.push(`M${top.join('L')}L${bottom.join('L')}Z`);
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    if (lo[i] === null || hi[i] === null) flush();
    else run.push(i);
  }
  flush();
  return shapes.join(' ');
}

/** Grid-aligned bounds and step covering `values` (plus `pad` either side), at least minSpan and at most maxSpan wide (the top wins). */
export function niceDomain(
  values: number[],
  opts: { pad: number; minSpan: number; maxSpan: number; steps: number[]; maxTicks: number; fallback: [number, number] },
): { domain: [number, number]; step: number } {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) - opts.pad : opts.fallback[0];
  let hi = finite.length ? Math.max(...finite) + opts.pad : opts.fallback[1];
  if (hi - lo < opts.minSpan) {
    const mid = (hi + lo) / 2;
    lo = mid - opts.minSpan / 2;
    hi = mid + opts.minSpan / 2;
  }
  // Keep the top (the loud bands matter most); far-off lows leave the frame rather than squash it.
  if (hi - lo > opts.maxSpan) lo = hi - opts.maxSpan;
  let step = opts.steps[opts.steps.length - 1];
  for (const s of opts.steps) {
    if ((Math.ceil(hi / s) - Math.floor(lo / s)) <= opts.maxTicks) {
      step = s;
      break;
    }
  }
  const top = Math.ceil(hi / step) * step;
  // Rounding out to the grid must not stretch the span past maxSpan either.
  const bottom = Math.max(Math.floor(lo / step) * step, top - Math.floor(opts.maxSpan / step) * step);
  return { domain: [bottom + 0, top + 0], step }; // + 0: no negative zero
}

/** Approximate rendered width of `s` at `sizePx` in DejaVu Sans (mean advance about 0.6 em). */
export function textWidth(s: string, sizePx: number): number {
  return s.length * sizePx * 0.6;
}
