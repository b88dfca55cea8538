/** Text helpers of the dashboard: blessed tags, visible widths, bars. */

/** Escapes text for a blessed box with tags on ({ and } would start a tag). */
export function esc(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** The visible text of a tagged string (tags removed, escapes resolved). */
export function plain(tagged: string): string {
  return tagged.replace(/\{(\/?[a-z-]+|open|close)\}/g, (m, t: string) => (t === 'open' ? '{' : t === 'close' ? '}' : ''));
}

/** Cuts or pads plain text to exactly `width` characters (an ellipsis marks a cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? '…' : text.slice(0, width - 1) + '…';
}

/** A number with fixed decimals and an explicit sign when asked, or `--` when not measurable. */
export function num(value: number | null | undefined, decimals = 1, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '--';
  const s = value.toFixed(decimals);
  return signed && value > 0 ? `+${s}` : s;
}

/**
 * A horizontal bar of `width` cells for value within [lo, hi]: filled with █ (eighth blocks at the
 * tip), empty cells ·, and a ┃ marking `mark` (a reference value) when given. Plain text.
 */
export function bar(value: number | null, lo: number, hi: number, width: number, mark?: number | null): string {
  const cells = Array.from({ length: width }, () => '·');
  if (value !== null && Number.isFinite(value)) {
    const f = Math.max(0, Math.min(1, (value - lo) / (hi - lo))) * width;
    const full = Math.floor(f);
    for (let i = 0; i < full; i++) cells[i] = '█';
    const part = Math.round((f - full) * 8);
    if (full < width && part > 0) cells[full] = PARTIAL[part - 1];
  }
  if (mark !== null && mark !== undefined && Number.isFinite(mark)) {
    const at = Math.round(Math.max(0, Math.min(1, (mark - lo) / (hi - lo))) * (width - 1));
    cells[at] = '┃';
  }
  return cells.join('');
}

const PARTIAL = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
