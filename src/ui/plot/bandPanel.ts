import type { FeatureComparison } from '../../reference/compare.js';
import { COLOURS, coord, el, fmtNum, gappedBand, gappedLine, linearScale, logScale, text, textWidth, type Rect } from './svg.js';

/** The frequency axis of every band panel, Hz (log). */
export const X_DOMAIN_HZ: [number, number] = [20, 20000];

/** Labelled frequency ticks, Hz (ISO octave centres). */
export const X_TICKS_HZ = [31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000];

/** How one series (the mix line over one reference envelope) is drawn. */
export interface BandSeriesStyle {
  /** Stable id, used in `data-series` attributes (`<id>-mix`, `<id>-range`, `<id>-mean`). */
  id: string;
  mixColour: string;
  mixWidth: number;
  fill: string;
  fillOpacity: number;
  meanColour: string;
  /** Ring the bands where the mix is outside the envelope, and shade their frequency span. */
  markOutside: boolean;
  /** How many of the largest deviations get a text label (mix minus reference mean). */
  labelDeviations: number;
}

/** One panel of per-band features on a log frequency axis. */
export interface BandPanelSpec {
  id: string;
  title: string;
  /** Axis title for y, with its unit. */
  yLabel: string;
  /** Unit appended to deviation labels, e.g. 'dB'. */
  unit: string;
  rect: Rect;
  yDomain: [number, number];
  yStep: number;
  yDecimals: number;
  /** Grid values drawn darker (e.g. 0 for correlation). */
  emphasise?: number[];
  /** Label the frequency ticks under this panel. */
  xTickLabels: boolean;
  /** Shade and name the usual regions (sub, bass, ...) along the top. */
  regions?: boolean;
  series: Array<{ rows: FeatureComparison[]; style: BandSeriesStyle }>;
  /** Shown in the middle when no series has any value. */
  emptyNote: string;
}

const REGIONS: Array<[string, number, number]> = [
  ['sub', 20, 60], ['bass', 60, 250], ['low-mids', 250, 500], ['mids', 500, 2000],
  ['presence', 2000, 5000], ['brilliance', 5000, 10000], ['air', 10000, 20000],
];

const THIRD = 2 ** (1 / 6);

/** Frequency as a tick label: 31.5, 250, 1k, 16k. */
export function hzLabel(hz: number): string {
  return hz >= 1000 ? `${+(hz / 1000).toFixed(1)}k` : `${hz}`;
}

/** Draws a per-band panel: grid, reference envelope, mean, mix line, outside markers and labels. */
export function drawBandPanel(spec: BandPanelSpec): string {
  const { rect: r, yDomain } = spec;
  const x = logScale(X_DOMAIN_HZ, [r.x, r.x + r.w]);
  const y = linearScale(yDomain, [r.y + r.h, r.y]);
  const inY = (v: number) => v >= yDomain[0] && v <= yDomain[1];
  const out: string[] = [];
  out.push(el('rect', { x: r.x, y: r.y, width: r.w, height: r.h, fill: COLOURS.panel, stroke: COLOURS.axis, 'stroke-width': 1 }));
  if (spec.regions) {
    REGIONS.forEach(([, lo, hi], i) => {
      if (i % 2 === 1) out.push(el('rect', { x: x(lo), y: r.y, width: x(hi) - x(lo), height: r.h, fill: '#f1f4f7' }));
    });
  }
  // Outside bands: a faint tint over their 1/3 octaves (neighbours merged) and a red strip along
  // the bottom, so the spans read at a glance even when most of the spectrum is outside.
  const strips: string[] = [];
  for (const { rows, style } of spec.series) {
    if (!style.markOutside) continue;
    for (const [lo, hi] of outsideSpans(rows)) {
      const x0 = Math.max(r.x, x(lo));
      const x1 = Math.min(r.x + r.w, x(hi));
      out.push(el('rect', { x: x0, y: r.y, width: x1 - x0, height: r.h, fill: COLOURS.alertTint }));
      strips.push(el('rect', { 'data-outside-span': `${Math.round(lo)}-${Math.round(hi)}`, x: x0, y: r.y + r.h - 5, width: x1 - x0, height: 5, fill: COLOURS.alert, 'fill-opacity': 0.75 }));
    }
  }
  if (spec.regions) {
    for (const [name, lo, hi] of REGIONS) {
      out.push(text((x(lo) + x(hi)) / 2, r.y + 13, name, { 'font-size': 11, fill: COLOURS.muted, 'text-anchor': 'middle' }));
    }
  }
  const grid: string[] = [];
  const labels: string[] = [];
  const nTicks = Math.round((yDomain[1] - yDomain[0]) / spec.yStep);
  for (let i = 0; i <= nTicks; i++) {
    const v = yDomain[0] + i * spec.yStep;
    const strong = spec.emphasise?.some((e) => Math.abs(e - v) < 1e-9);
    if (i > 0 && i < nTicks) grid.push(el('line', { x1: r.x, x2: r.x + r.w, y1: y(v), y2: y(v), stroke: strong ? COLOURS.axis : COLOURS.grid, 'stroke-width': 1 }));
    labels.push(text(r.x - 6, y(v) + 4, fmtNum(v, spec.yDecimals), { 'text-anchor': 'end', 'data-y-tick': v }));
  }
  for (const hz of X_TICKS_HZ) {
    grid.push(el('line', { x1: x(hz), x2: x(hz), y1: r.y, y2: r.y + r.h, stroke: COLOURS.grid, 'stroke-width': 1 }));
    grid.push(el('line', { x1: x(hz), x2: x(hz), y1: r.y + r.h, y2: r.y + r.h + 4, stroke: COLOURS.axis, 'stroke-width': 1 }));
    if (spec.xTickLabels) labels.push(text(x(hz), r.y + r.h + 17, hzLabel(hz), { 'text-anchor': 'middle', 'data-x-tick': hz }));
  }
  if (spec.xTickLabels) labels.push(text(r.x + r.w, r.y + r.h + 32, 'frequency, Hz', { 'text-anchor': 'end', fill: COLOURS.muted }));
  out.push(el('g', {}, grid.join('')), el('g', { 'font-size': 12, fill: COLOURS.text }, labels.join('')));
  out.push(text(r.x - 48, r.y + r.h / 2, spec.yLabel, {
    transform: `rotate(-90 ${coord(r.x - 48)} ${coord(r.y + r.h / 2)})`, 'text-anchor': 'middle', 'font-size': 12, fill: COLOURS.muted,
  }));
  out.push(text(r.x, r.y - 9, spec.title, { 'font-size': 15, 'font-weight': 'bold', fill: COLOURS.text }));

  const clipId = `clip-${spec.id}`;
  const data: string[] = [];
  const marks: string[] = [];
  let anyValue = false;
  for (const { rows, style } of spec.series) {
    const sorted = rows.filter((row) => row.centerHz !== undefined).sort((a, b) => a.centerHz! - b.centerHz!);
    const xs = sorted.map((row) => x(row.centerHz!));
    const yOf = (v: number | null) => (v === null ? null : y(v));
    const at = (pick: (row: FeatureComparison) => number | null) =>
      sorted.map((row, i): [number, number] | null => (pick(row) === null ? null : [xs[i], y(pick(row)!)]));
    anyValue ||= sorted.some((row) => row.mix !== null || row.mean !== null);
    // The tolerance that still counts as inside, as a paler halo, so every ringed point lies outside all shading.
    const widen = (v: number | null, row: FeatureComparison, sign: number) => (v === null ? null : y(v + sign * row.tolerance));
    data.push(el('path', { 'data-series': `${style.id}-tolerance`, d: gappedBand(xs, sorted.map((row) => widen(row.min, row, -1)), sorted.map((row) => widen(row.max, row, 1))), fill: style.fill, 'fill-opacity': style.fillOpacity * 0.4, stroke: 'none' }));
    data.push(el('path', { 'data-series': `${style.id}-range`, d: gappedBand(xs, sorted.map((row) => yOf(row.min)), sorted.map((row) => yOf(row.max))), fill: style.fill, 'fill-opacity': style.fillOpacity, stroke: 'none' }));
    data.push(el('path', { 'data-series': `${style.id}-mean`, d: gappedLine(at((row) => row.mean)), fill: 'none', stroke: style.meanColour, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }));
    data.push(el('path', { 'data-series': `${style.id}-mix`, d: gappedLine(at((row) => row.mix)), fill: 'none', stroke: style.mixColour, 'stroke-width': style.mixWidth, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
    sorted.forEach((row, i) => {
      if (row.mix !== null && !inY(row.mix)) marks.push(offScale(xs[i], row.mix < yDomain[0], r, style.mixColour, row.feature));
      if (row.mix === null || !inY(row.mix)) return;
      marks.push(el('circle', { cx: xs[i], cy: y(row.mix), r: style.mixWidth + 0.5, fill: style.mixColour }));
      if (style.markOutside && row.inside === false) {
        marks.push(el('circle', { 'data-outside': row.feature, cx: xs[i], cy: y(row.mix), r: 6, fill: 'none', stroke: COLOURS.alert, 'stroke-width': 2 }));
      }
    });
    marks.push(deviationLabels(sorted, style, spec, x, y));
  }
  out.push(el('clipPath', { id: clipId }, el('rect', { x: r.x - 8, y: r.y, width: r.w + 16, height: r.h })));
  out.push(el('g', { 'clip-path': `url(#${clipId})` }, data.join('') + strips.join('') + marks.join('')));
  if (!anyValue) out.push(text(r.x + r.w / 2, r.y + r.h / 2, spec.emptyNote, { 'text-anchor': 'middle', 'font-size': 13, fill: COLOURS.muted }));
  return el('g', {
    'data-panel': spec.id,
    'data-plot-rect': `${coord(r.x)} ${coord(r.y)} ${coord(r.w)} ${coord(r.h)}`,
    'data-x-domain': `${X_DOMAIN_HZ[0]} ${X_DOMAIN_HZ[1]}`,
    'data-y-domain': `${yDomain[0]} ${yDomain[1]}`,
  }, out.join(''));
}

/** A small triangle on the frame edge where the mix lies beyond the scale (pointing the way it went). */
function offScale(cx: number, below: boolean, r: Rect, colour: string, feature: string): string {
  const tip = below ? r.y + r.h - 7 : r.y + 1;
  const base = below ? tip - 8 : tip + 8;
  return el('path', { 'data-offscale': feature, d: `M${coord(cx - 5)} ${coord(base)}L${coord(cx + 5)} ${coord(base)}L${coord(cx)} ${coord(tip)}Z`, fill: colour });
}

/** Frequency spans (Hz) covered by runs of adjacent bands where the mix is outside. */
function outsideSpans(rows: FeatureComparison[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const sorted = rows.filter((row) => row.centerHz !== undefined).sort((a, b) => a.centerHz! - b.centerHz!);
  let open = false;
  for (const row of sorted) {
    if (row.inside !== false) {
      open = false;
      continue;
    }
    const lo = row.centerHz! / THIRD;
    const hi = row.centerHz! * THIRD;
    if (open) spans[spans.length - 1][1] = hi;
    else spans.push([lo, hi]);
    open = true;
  }
  return spans;
}

/**
 * Labels the largest deviations (mix minus reference mean) among the bands outside the envelope,
 * at least 70 px apart so labels never overlap, above the point when the mix is high, below when low.
 */
function deviationLabels(
  rows: FeatureComparison[], style: BandSeriesStyle, spec: BandPanelSpec,
  x: (v: number) => number, y: (v: number) => number,
): string {
  if (style.labelDeviations <= 0) return '';
  const r = spec.rect;
  const candidates = rows
    .filter((row) => row.inside === false && row.mix !== null && row.deltaFromMean !== null && row.outsideBy !== null)
    .filter((row) => row.mix! >= spec.yDomain[0] && row.mix! <= spec.yDomain[1])
    .sort((a, b) => Math.abs(b.outsideBy!) - Math.abs(a.outsideBy!));
  const chosen: FeatureComparison[] = [];
  for (const row of candidates) {
    if (chosen.length >= style.labelDeviations) break;
    if (chosen.every((c) => Math.abs(x(c.centerHz!) - x(row.centerHz!)) >= 70)) chosen.push(row);
  }
  return chosen.map((row) => {
    const label = `${fmtNum(row.deltaFromMean!, 1, true)} ${spec.unit}`;
    const half = textWidth(label, 12) / 2;
    const cx = Math.min(r.x + r.w - half - 2, Math.max(r.x + half + 2, x(row.centerHz!)));
    // Beside the point on the side it deviates to; flipped when that side has no room.
    const top = r.y + 28;
    const bottom = r.y + r.h - 8;
    const up = y(row.mix!) - 12;
    const down = y(row.mix!) + 22;
    const ly = row.outsideBy! > 0 ? (up >= top ? up : down) : (down <= bottom ? down : up);
    return text(cx, ly, label, {
      'data-deviation': row.feature, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 'bold',
      fill: COLOURS.alert, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke', 'stroke-linejoin': 'round',
    });
  }).join('');
}
