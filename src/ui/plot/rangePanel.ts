import type { FeatureComparison } from '../../reference/compare.js';
import { COLOURS, el, fmtNum, linearScale, text, type Rect } from './svg.js';

/** One row of the range panel: which feature, how it is called, and how many decimals it deserves. */
export interface RangeRowSpec {
  feature: string;
  label: string;
  decimals: number;
}

/** Rows under a heading. */
export interface RangeGroup {
  title: string;
  rows: RangeRowSpec[];
}

/** The scalar figures that the loudness and dynamics panel shows, in reading order. */
export const RANGE_GROUPS: RangeGroup[] = [
  {
    title: 'Loudness',
    rows: [
      { feature: 'integratedLufs', label: 'Integrated loudness', decimals: 1 },
      { feature: 'shortTermMaxLufs', label: 'Short-term max', decimals: 1 },
      { feature: 'truePeakDbtp', label: 'True peak', decimals: 1 },
    ],
  },
  {
    title: 'Dynamics',
    rows: [
      { feature: 'loudnessRangeLu', label: 'Loudness range', decimals: 1 },
      { feature: 'plrDb', label: 'PLR (peak/loudness)', decimals: 1 },
      { feature: 'psrDb', label: 'PSR (peak/short-term)', decimals: 1 },
      { feature: 'crestDb', label: 'Crest factor', decimals: 1 },
      { feature: 'crestLowDb', label: 'Crest, lows', decimals: 1 },
      { feature: 'crestHighDb', label: 'Crest, highs', decimals: 1 },
    ],
  },
  {
    title: 'Stereo and tone',
    rows: [
      { feature: 'sideToMidDb', label: 'Side to mid', decimals: 1 },
      { feature: 'correlation', label: 'Correlation', decimals: 2 },
      { feature: 'lowEnd.correlation', label: 'Low-end correlation', decimals: 2 },
      { feature: 'monoLossDb', label: 'Mono fold-down loss', decimals: 1 },
      { feature: 'tiltDbPerOctave', label: 'Spectral tilt', decimals: 2 },
    ],
  },
];

const LABEL_W = 158;
const BAR_W = 168;
const MIX_W = 92;
const HEADING_H = 22;

/** A unit as people read it next to a number ('ratio' reads as nothing). */
function unitLabel(unit: string): string {
  return unit === 'ratio' ? '' : ` ${unit}`;
}

/**
 * Draws horizontal range bars, one row per feature: the references' envelope (min..max) as a bar,
 * the tolerance that still counts as inside as a paler extension, the mean as a tick, the mix as a
 * dot. Each row has its own scale; the numbers are written beside it. Rows outside are in the alert colour.
 */
export function drawRangePanel(rect: Rect, comparisons: FeatureComparison[], title: string): string {
  const byName = new Map(comparisons.map((c) => [c.feature, c]));
  const groups = RANGE_GROUPS
    .map((g) => ({ title: g.title, rows: g.rows.filter((row) => byName.has(row.feature)) }))
    .filter((g) => g.rows.length > 0);
  const nRows = groups.reduce((n, g) => n + g.rows.length, 0);
  const rowH = nRows ? Math.min(30, (rect.h - groups.length * HEADING_H) / nRows) : 30;
  const out: string[] = [text(rect.x, rect.y - 9, title, { 'font-size': 15, 'font-weight': 'bold', fill: COLOURS.text })];
  let y = rect.y;
  const vx = rect.x + LABEL_W + BAR_W + 10;
  const head = { 'font-size': 11, 'font-weight': 'bold', fill: COLOURS.muted };
  if (nRows > 0) {
    out.push(text(rect.x + LABEL_W + BAR_W / 2, y + 15, 'refs range, mean, mix', { ...head, 'font-weight': undefined, 'text-anchor': 'middle' }));
    out.push(text(vx + MIX_W, y + 15, 'mix', { ...head, 'text-anchor': 'end' }), text(vx + MIX_W + 12, y + 15, 'refs', head));
  }
  for (const g of groups) {
    out.push(text(rect.x, y + 15, g.title.toUpperCase(), { ...head, 'letter-spacing': 1 }));
    out.push(el('line', { x1: rect.x, x2: rect.x + rect.w, y1: y + HEADING_H - 3, y2: y + HEADING_H - 3, stroke: COLOURS.grid, 'stroke-width': 1 }));
    y += HEADING_H;
    for (const spec of g.rows) {
      out.push(drawRow({ x: rect.x, y, w: rect.w, h: rowH }, byName.get(spec.feature)!, spec));
      y += rowH;
    }
  }
  if (nRows === 0) out.push(text(rect.x + rect.w / 2, rect.y + 40, 'no loudness or dynamics figures', { 'text-anchor': 'middle', fill: COLOURS.muted }));
  return el('g', { 'data-panel': 'levels', 'font-size': 12 }, out.join(''));
}

function drawRow(r: Rect, c: FeatureComparison, spec: RangeRowSpec): string {
  const outside = c.inside === false;
  const unit = unitLabel(c.unit);
  const mid = r.y + r.h / 2;
  const out: string[] = [];
  if (outside) out.push(el('rect', { x: r.x - 4, y: r.y + 1, width: r.w + 8, height: r.h - 2, fill: COLOURS.alertFill, rx: 3 }));
  out.push(text(r.x, mid + 4, spec.label, { fill: outside ? COLOURS.alert : COLOURS.text, 'font-weight': outside ? 'bold' : undefined }));

  const bx = r.x + LABEL_W;
  const known = [c.min, c.max, c.mean, c.mix].filter((v): v is number => v !== null);
  if (c.min !== null && c.max !== null) known.push(c.min - c.tolerance, c.max + c.tolerance);
  if (known.length === 0) known.push(0, 1); // nothing to place: an empty track keeps the layout
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  // Never let a tiny envelope fill the bar: at least four tolerances (or 1 % of the value) wide.
  const span = Math.max(hi - lo, 4 * c.tolerance, 0.01 * Math.abs(hi), 1e-6);
  const centre = (lo + hi) / 2;
  const x = linearScale([centre - span * 0.62, centre + span * 0.62], [bx, bx + BAR_W]);
  out.push(el('line', { x1: bx, x2: bx + BAR_W, y1: mid, y2: mid, stroke: COLOURS.grid, 'stroke-width': 2 }));
  if (c.min !== null && c.max !== null) {
    const t0 = x(c.min - c.tolerance);
    const t1 = x(c.max + c.tolerance);
    out.push(el('rect', { x: t0, y: mid - 4, width: Math.max(1, t1 - t0), height: 8, fill: COLOURS.refFill, 'fill-opacity': 0.35, rx: 2 }));
    out.push(el('rect', { 'data-range': c.feature, x: x(c.min), y: mid - 6, width: Math.max(2, x(c.max) - x(c.min)), height: 12, fill: COLOURS.refFill, rx: 2 }));
  }
  if (c.mean !== null) out.push(el('line', { x1: x(c.mean), x2: x(c.mean), y1: mid - 9, y2: mid + 9, stroke: COLOURS.refMean, 'stroke-width': 2 }));
  if (c.mix !== null) {
    out.push(el('circle', { 'data-mix': c.feature, cx: x(c.mix), cy: mid, r: 5.5, fill: outside ? COLOURS.alert : COLOURS.mix, stroke: '#ffffff', 'stroke-width': 1.5 }));
  }

  const vx = bx + BAR_W + 10;
  const mixText = c.mix === null ? 'n/a' : `${fmtNum(c.mix, spec.decimals)}${unit}`;
  out.push(text(vx + MIX_W, mid + 4, mixText, { 'text-anchor': 'end', 'font-weight': 'bold', fill: outside ? COLOURS.alert : COLOURS.text }));
  const refText = c.min === null || c.max === null
    ? 'n/a'
    : c.max - c.min < 10 ** -spec.decimals
      ? fmtNum(c.mean ?? c.min, spec.decimals)
      : `${fmtNum(c.min, spec.decimals)} \u2026 ${fmtNum(c.max, spec.decimals)}`;
  out.push(text(vx + MIX_W + 12, mid + 4, refText, { fill: COLOURS.muted, 'font-size': 11 }));
  return el('g', { 'data-row': c.feature, 'data-inside': String(c.inside) }, out.join(''));
}
