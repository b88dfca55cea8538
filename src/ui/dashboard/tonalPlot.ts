import type { CompactComparison } from '../../transport/ws/protocol.js';
import { esc } from './text.js';

/** One row of the tonal comparison: the mix's band level against the references' mean and envelope, dB. */
type TonalRow = CompactComparison['tonal'][number];

/** Eighth blocks rising from the bottom of a cell, 1/8 to 8/8. */
const RISE = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Frequency labels of the axis: where they fit. */
const LABELS: Array<[number, string]> = [[31.5, '31'], [63, '63'], [125, '125'], [250, '250'], [500, '500'], [1000, '1k'], [2000, '2k'], [4000, '4k'], [8000, '8k'], [16000, '16k']];

/** Width of the dB labels at the left of the plot, characters. */
const LABEL_COLS = 4;

/**
 * The mix's tonal balance over the references' envelope, as text (blessed tags for colour): one
 * column (or two when there is room) per 1/3-octave band; the middle line is the references' mean,
 * the shaded cells (░) their envelope (min..max, relative to the mean), and the bar the mix's
 * deviation from the mean, with eighth-block resolution upward, green inside the envelope and red
 * outside. `height` rows of plot (even, >= 2) plus one axis row; `width` characters in all.
 * Deviations beyond the range are drawn at the edge with an arrow.
 */
export function tonalPlot(rows: readonly TonalRow[], width: number, height: number, rangeDb = 12): string[] {
  const h = Math.max(2, height - (height % 2));
  const step = (2 * rangeDb) / h;
  const usable = rows.filter((r) => r.centerHz >= 25 && r.centerHz <= 16000);
  const cols = usable.length > 0 && width - LABEL_COLS >= 2 * usable.length ? 2 : 1;
  const shown = usable.slice(0, Math.max(0, Math.floor((width - LABEL_COLS) / cols)));
  const lines: string[] = [];
  for (let r = 0; r < h; r++) {
    // Row r covers [top - step, top) dB, the top row first; the mean (0 dB) lies between rows h/2-1 and h/2.
    const top = rangeDb - r * step;
    const bottom = top - step;
    const label = r === 0 ? `+${rangeDb}` : r === h - 1 ? `-${rangeDb}` : r === h / 2 - 1 ? ' 0' : '';
    let line = esc(label.padStart(LABEL_COLS - 1)) + ' ';
    for (const b of shown) line += cell(b, top, bottom, r < h / 2).repeat(cols);
    lines.push(line);
  }
  lines.push(axis(shown, cols));
  return lines;
}

function cell(b: TonalRow, top: number, bottom: number, above: boolean): string {
  const mean = b.meanDb;
  const inEnvelope = mean !== null && b.minDb !== null && b.maxDb !== null && b.minDb - mean < top && b.maxDb - mean > bottom;
  const shade = inEnvelope ? '{blue-fg}░{/blue-fg}' : ' ';
  if (b.mixDb === null || mean === null) return shade;
  const d = b.mixDb - mean;
  const inside = b.minDb !== null && b.maxDb !== null && b.mixDb >= b.minDb && b.mixDb <= b.maxDb;
  const colour = inside ? 'green' : 'red';
  let ch = '';
  if (above && d > bottom) {
    const f = Math.min(1, (d - bottom) / (top - bottom));
    ch = d > top && top >= 12 - 1e-9 ? '▲' : RISE[Math.max(0, Math.round(f * 8) - 1)];
    if (f * 8 < 0.5) ch = '';
  } else if (!above && d < top) {
    const f = Math.min(1, (top - d) / (top - bottom));
    ch = d < bottom && bottom <= -12 + 1e-9 ? '▼' : f >= 0.75 ? '█' : f >= 0.375 ? '▀' : f >= 0.0625 ? '▔' : '';
  }
  return ch ? `{${colour}-fg}${ch}{/${colour}-fg}` : shade;
}

function axis(shown: readonly TonalRow[], cols: number): string {
  const chars = Array.from({ length: LABEL_COLS + shown.length * cols }, () => ' ');
  'Hz'.split('').forEach((c, i) => (chars[i + 1] = c));
  const taken = new Uint8Array(chars.length);
  taken.fill(1, 0, LABEL_COLS);
  // Octaves of 1 kHz first (63 .. 16k every two octaves), then the others where they fit.
  const order = [...LABELS].sort(([a], [b]) => Number(!MAIN.has(a)) - Number(!MAIN.has(b)));
  for (const [hz, label] of order) {
    const i = shown.findIndex((b) => Math.abs(hz - b.centerHz) / hz < 0.02);
    const at = LABEL_COLS + i * cols;
    if (i < 0 || at + label.length > chars.length) continue;
    if (taken.subarray(Math.max(0, at - 1), at + label.length + 1).some((x) => x)) continue;
    label.split('').forEach((c, j) => (chars[at + j] = c));
    taken.fill(1, at, at + label.length);
  }
  return esc(chars.join('').trimEnd());
}

const MAIN = new Set([63, 250, 1000, 4000, 16000]);
