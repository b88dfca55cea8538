import type { FeatureComparison } from '../../reference/compare.js';
import type { ReferenceTarget } from '../../reference/target.js';
import { drawBandPanel, type BandSeriesStyle } from './bandPanel.js';
import { drawRangePanel } from './rangePanel.js';
/** Writes the rendered plot as .svg or .png (re-exported for the CLI). */
export { writePlot } from './writePlot.js';
import { COLOURS, FONT_FAMILY, el, esc, niceDomain, text, textWidth, type Rect } from './svg.js';

/** What `ama compare --plot` draws: the comparison rows and the target they came from. */
export interface ComparePlotInput {
  /** The mix as people know it (usually its file name). */
  mixName: string;
  /** The references, in target order. */
  referenceNames: string[];
  comparisons: FeatureComparison[];
  target: ReferenceTarget;
}

/** Width of the picture, px. */
export const PLOT_WIDTH = 1200;
/** Height of the picture, px. */
export const PLOT_HEIGHT = 900;

/** Where each panel's plotting area lies (px); the axes and labels sit around these rectangles. */
export const PLOT_LAYOUT: Readonly<Record<'tonal' | 'width' | 'correlation' | 'levels', Rect>> = {
  tonal: { x: 80, y: 138, w: 1090, h: 282 },
  width: { x: 80, y: 496, w: 500, h: 180 },
  correlation: { x: 80, y: 730, w: 500, h: 120 },
  levels: { x: 650, y: 496, w: 530, h: 392 },
};

const MID_STYLE: BandSeriesStyle = {
  id: 'mid', mixColour: COLOURS.mix, mixWidth: 2.5, fill: COLOURS.refFill, fillOpacity: 0.55,
  meanColour: COLOURS.refMean, markOutside: true, labelDeviations: 4,
};
const SIDE_STYLE: BandSeriesStyle = {
  id: 'side', mixColour: COLOURS.sideMix, mixWidth: 1.25, fill: COLOURS.sideFill, fillOpacity: 0.5,
  meanColour: COLOURS.sideMean, markOutside: false, labelDeviations: 0,
};

/** The rows of one per-band feature family (`tonal.mid.`, `width.`, ...), low to high. */
function bandRows(comparisons: FeatureComparison[], prefix: string): FeatureComparison[] {
  return comparisons
    .filter((c) => c.feature.startsWith(prefix) && c.centerHz !== undefined)
    .sort((a, b) => a.centerHz! - b.centerHz!);
}

/** Every drawable number of some rows (nulls are gaps, never part of a scale). */
function valuesOf(rows: FeatureComparison[]): number[] {
  return rows.flatMap((c) => [c.mix, c.min, c.max, c.mean]).filter((v): v is number => v !== null);
}

/** `s` shortened with an ellipsis to fit `maxPx` at `sizePx`, losing its end (or its start: paths keep their file name). */
function fit(s: string, maxPx: number, sizePx: number, keepEnd = false): string {
  const max = Math.floor(maxPx / (sizePx * 0.6));
  if (s.length <= max) return s;
  const n = Math.max(1, max - 1);
  return keepEnd ? `\u2026${s.slice(s.length - n)}` : `${s.slice(0, n)}\u2026`;
}

/**
 * Renders the comparison as one self-contained SVG (1200 x 900 px, dark on light): tonal balance
 * over the references' envelope, width and correlation per band, and loudness/dynamics range bars.
 * Null values are gaps; bands and rows where the mix lies outside the references are marked.
 */
export function renderComparePlot(input: ComparePlotInput): string {
  const { comparisons, target } = input;
  const envelopeName = target.envelope === 'p10-p90' ? '10th\u201390th percentile' : 'min\u2013max';
  const nRefs = input.referenceNames.length || target.references.length;
  const mid = bandRows(comparisons, 'tonal.mid.');
  const side = bandRows(comparisons, 'tonal.side.');
  const width = bandRows(comparisons, 'width.');
  const corr = bandRows(comparisons, 'correlation.');

  const tonalY = niceDomain([...valuesOf(mid), ...valuesOf(side)], {
    pad: 2, minSpan: 24, maxSpan: 60, steps: [3, 6, 10, 12], maxTicks: 10, fallback: [-48, 0],
  });
  const widthY = niceDomain(valuesOf(width), { pad: 2, minSpan: 12, maxSpan: 48, steps: [3, 6, 10, 12], maxTicks: 6, fallback: [-30, 0] });
  const L = PLOT_LAYOUT;

  const body = [
    el('rect', { x: 0, y: 0, width: PLOT_WIDTH, height: PLOT_HEIGHT, fill: '#ffffff' }),
    text(24, 34, `${fit(input.mixName, PLOT_WIDTH - 260, 21, true)} vs ${nRefs} reference${nRefs === 1 ? '' : 's'}`, {
      'font-size': 21, 'font-weight': 'bold', fill: COLOURS.text,
    }),
    text(24, 57, fit(`References: ${input.referenceNames.join(', ') || 'none named'}`, PLOT_WIDTH - 48, 13), {
      'font-size': 13, fill: COLOURS.text,
    }),
    text(24, 77, `Shading: ${envelopeName} of the references, paler edge = tolerance still counted as inside. Band levels: 1/3 octave, dB relative to each track's own loudness.`, {
      'font-size': 12, fill: COLOURS.muted,
    }),
    legend(24, 100, envelopeName),
    drawBandPanel({
      id: 'tonal', title: 'Tonal balance: mid (black) and side (purple)', yLabel: 'level re loudness, dB', unit: 'dB', rect: L.tonal,
      yDomain: tonalY.domain, yStep: tonalY.step, yDecimals: 0, xTickLabels: true, regions: true,
      series: [{ rows: side, style: SIDE_STYLE }, { rows: mid, style: MID_STYLE }],
      emptyNote: 'no tonal balance measured',
    }),
    drawBandPanel({
      id: 'width', title: 'Width per band (side to mid)', yLabel: 'side re mid, dB', unit: 'dB', rect: L.width,
      yDomain: widthY.domain, yStep: widthY.step, yDecimals: 0, xTickLabels: true,
      series: [{ rows: width, style: { ...MID_STYLE, id: 'width', labelDeviations: 2 } }],
      emptyNote: 'no width: mono input',
    }),
    drawBandPanel({
      id: 'correlation', title: 'Correlation per band', yLabel: 'correlation', unit: '', rect: L.correlation,
      yDomain: [-1, 1], yStep: 0.5, yDecimals: 1, emphasise: [0], xTickLabels: true,
      series: [{ rows: corr, style: { ...MID_STYLE, id: 'correlation', labelDeviations: 0 } }],
      emptyNote: 'no correlation measured',
    }),
    drawRangePanel(L.levels, comparisons, 'Loudness, dynamics and stereo'),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" viewBox="0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}" font-family="${esc(FONT_FAMILY)}">`,
    el('title', {}, esc(`ama compare: ${input.mixName}`)),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** One row of swatches explaining the marks. */
function legend(x0: number, y: number, envelopeName: string): string {
  const items: Array<[string, string]> = [
    [el('line', { x1: 0, x2: 22, y1: 0, y2: 0, stroke: COLOURS.mix, 'stroke-width': 2.5 }) + el('circle', { cx: 11, cy: 0, r: 3, fill: COLOURS.mix }), 'Mix'],
    [el('rect', { x: 0, y: -6, width: 22, height: 12, fill: COLOURS.refFill, 'fill-opacity': 0.55 }), `References (${envelopeName})`],
    [el('line', { x1: 0, x2: 22, y1: 0, y2: 0, stroke: COLOURS.refMean, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }), 'Reference mean'],
    [el('rect', { x: 0, y: -7, width: 22, height: 14, fill: COLOURS.alertTint }) + el('rect', { x: 0, y: 4, width: 22, height: 4, fill: COLOURS.alert, 'fill-opacity': 0.75 }) + el('circle', { cx: 11, cy: 0, r: 5, fill: 'none', stroke: COLOURS.alert, 'stroke-width': 2 }), 'Mix outside the refs'],
    [el('text', { x: 11, y: 4, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 'bold', fill: COLOURS.alert }, '+dB'), 'Mix minus ref mean'],
    [el('path', { d: 'M6 -4L16 -4L11 4Z', fill: COLOURS.mix }), 'Beyond the scale'],
    [el('line', { x1: 0, x2: 22, y1: 0, y2: 0, stroke: COLOURS.sideMix, 'stroke-width': 1.5 }) + el('rect', { x: 0, y: -5, width: 22, height: 10, fill: COLOURS.sideFill, 'fill-opacity': 0.5 }), 'Side: mix, refs'],
  ];
  let x = x0;
  const parts: string[] = [];
  for (const [swatch, label] of items) {
    parts.push(el('g', { transform: `translate(${x} ${y})` }, swatch));
    parts.push(text(x + 28, y + 4, label, { 'font-size': 12, fill: COLOURS.text }));
    x += 28 + textWidth(label, 12) + 22;
  }
  return el('g', { 'data-legend': '' }, parts.join(''));
}
