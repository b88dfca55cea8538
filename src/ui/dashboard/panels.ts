import type { MixProfile } from '../../analysis/profileSchema.js';
import type { BoardItem, SuggestionState } from '../../suggest/boardTypes.js';
import { headline } from '../../suggest/format.js';
import type { CompactComparison, LiveLoudness, StatusMessage } from '../../transport/ws/protocol.js';
import { bar, esc, fit, num } from './text.js';

/**
 * The dashboard's panels as lines of text with blessed tags: pure functions of the latest feed
 * messages, so they are tested without a terminal. Every line is exactly `width` visible
 * characters or less.
 */

type Feature = CompactComparison['features'][number];

/** A reference feature by name from the comparison, or undefined. */
function ref(comparison: CompactComparison | null, feature: string): Feature | undefined {
  return comparison?.features.find((f) => f.feature === feature);
}

/** Meter rows: name, scale and the reference feature whose mean is marked on the bar. */
const METERS: Array<{ name: string; field: keyof LiveLoudness; unit: string; lo: number; hi: number; ref: string }> = [
  { name: 'M', field: 'momentaryLufs', unit: 'LUFS', lo: -48, hi: 0, ref: 'integratedLufs' },
  { name: 'S', field: 'shortTermLufs', unit: 'LUFS', lo: -48, hi: 0, ref: 'integratedLufs' },
  { name: 'I', field: 'integratedLufs', unit: 'LUFS', lo: -48, hi: 0, ref: 'integratedLufs' },
  { name: 'TP', field: 'truePeakDbtp', unit: 'dBTP', lo: -24, hi: 3, ref: 'truePeakDbtp' },
  { name: 'LRA', field: 'loudnessRangeLu', unit: 'LU', lo: 0, hi: 24, ref: 'loudnessRangeLu' },
  { name: 'PLR', field: 'plrDb', unit: 'dB', lo: 0, hi: 24, ref: 'plrDb' },
];

/**
 * Loudness meters: M, S, I, TP, LRA, PLR as `name value unit bar`, the bar marked (┃) at the
 * references' mean. Values outside the references' envelope are red.
 */
export function meterLines(loudness: LiveLoudness | null, comparison: CompactComparison | null, width: number): string[] {
  const barWidth = Math.max(0, width - 17);
  return METERS.map((m) => {
    const value = loudness ? (loudness[m.field] as number | null) : null;
    const r = ref(comparison, m.ref);
    const head = `${m.name.padEnd(4)}${num(value).padStart(6)} ${m.unit.padEnd(4)} `;
    // M and S move too fast to judge against an envelope; I, TP, LRA and PLR are the measured figures.
    const judged = m.name !== 'M' && m.name !== 'S' && value !== null && r?.min != null && r.max != null;
    const outside = judged && (value! < r!.min! - 0.5 || value! > r!.max! + 0.5);
    const text = fit(head, Math.min(width, 17)) + (barWidth > 0 ? bar(value, m.lo, m.hi, barWidth, r?.mean) : '');
    return outside ? `{red-fg}${esc(text)}{/red-fg}` : esc(text);
  });
}

/** Width (side to mid, dB) and correlation of the window profile against the references' envelope (2 lines). */
export function stereoLines(profile: MixProfile | null, comparison: CompactComparison | null, width: number): string[] {
  const s = profile?.stereo;
  const line = (label: string, value: number | null | undefined, decimals: number, unit: string, feature: string): string => {
    const r = ref(comparison, feature);
    const range = r && r.min !== null && r.max !== null ? `  refs ${num(r.min, decimals)}..${num(r.max, decimals)}` : '';
    const text = fit(`${label}${num(value ?? null, decimals).padStart(6)} ${unit}${range}`, width).trimEnd();
    return r?.inside === false ? `{red-fg}${esc(text)}{/red-fg}` : esc(text);
  };
  if (s?.monoInput) return [esc(fit('Width  mono input', width).trimEnd()), ''];
  return [line('Width ', s?.sideToMidDb, 1, 'dB', 'sideToMidDb'), line('Corr  ', s?.correlation, 2, '  ', 'correlation')];
}

const STATE_COLOUR: Record<SuggestionState, string> = {
  pending: 'white', proposed: 'yellow', approved: 'green', applied: 'green', failed: 'red', undone: 'magenta', rejected: 'gray', expired: 'gray',
};

/** One line per item from `first`, `count` at most: rank, state and what to do; the selected one highlighted. */
export function proposalLines(items: readonly BoardItem[], selected: number, first: number, count: number, width: number): string[] {
  if (items.length === 0) return [esc(fit('No proposals yet: they appear once stable over a few evaluations.', width).trimEnd())];
  return items.slice(first, first + count).map((item, i) => {
    const s = item.suggestion;
    const scope = s.scope === 'master' ? '' : ` [${s.scope}]`;
    const text = fit(`${String(item.rank).padStart(2)} ${item.state.toUpperCase().padEnd(9)}${headline(s)}${scope}`, width);
    const c = STATE_COLOUR[item.state];
    return first + i === selected ? `{inverse}${esc(text)}{/inverse}` : `{${c}-fg}${esc(text)}{/${c}-fg}`;
  });
}

/** The first index to show so that `selected` is within a window of `count` rows. */
export function scrollTo(selected: number, first: number, count: number, total: number): number {
  let f = Math.min(first, selected);
  if (selected >= f + count) f = selected - count + 1;
  return Math.max(0, Math.min(f, Math.max(0, total - count)));
}

/** The selected item's rationale, wrapped to `lines` lines. */
export function detailLines(item: BoardItem | undefined, width: number, lines: number): string[] {
  if (!item) return [];
  const words = `${item.message ? `${item.message} ` : ''}${item.suggestion.rationale} (confidence ${item.suggestion.confidence.toFixed(2)})`.split(/\s+/);
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  if (out.length > lines) out.splice(lines, out.length - lines, fit(out[lines - 1], width - 1) + '…');
  return out.slice(0, lines).map((l) => `{gray-fg}${esc(fit(l, width).trimEnd())}{/gray-fg}`);
}

/**
 * The status line: capture state, overruns, the feed (`:port` on 127.0.0.1, else host:port) and its
 * clients, CPU share, then the device (name, rate, channels) and the latest message in the room left.
 */
export function statusLine(status: StatusMessage | null, feed: string | null, width: number): string {
  const help = ' │ ? help';
  if (!status) return esc(fit(`starting${help}`, width).trimEnd());
  const ws = feed ? `WS ${feed.replace(/^ws:\/\/(127\.0\.0\.1)?/, '')} ${status.clients} client${status.clients === 1 ? '' : 's'}` : 'no feed';
  const cpu = `CPU ${status.cpuShare === null ? '--' : `${(status.cpuShare * 100).toFixed(1)}%`}`;
  const fixed = [status.capture, `overruns ${status.overruns}`, ws, cpu].join(' │ ');
  const device = `${status.device ?? '?'} ${status.sampleRateHz ? `${status.sampleRateHz / 1000} kHz ` : ''}${status.channels ?? '?'}ch`;
  const sep = status.separation;
  const stems = sep ? `stems ${sep.separator} ${(sep.coverage * 100).toFixed(0)}%${sep.delaySec === null ? '' : ` ${sep.delaySec.toFixed(1)}s late`}` : null;
  const d = status.daw;
  const daw = d ? `${d.daw} ${d.reachable === null ? '?' : d.reachable ? 'ok' : 'DOWN'}` : null;
  // Most useful first: what ama can push to, the stems' freshness, then the device and the latest sentence.
  const flex = [daw, stems, device, status.message].filter(Boolean).join(' │ ');
  const room = width - fixed.length - help.length - 3;
  const text = room > 3 ? `${fixed} │ ${fit(flex, room).trimEnd()}${help}` : fit(fixed + help, width).trimEnd();
  return status.overruns > 0 || status.capture !== 'running' ? `{yellow-fg}${esc(text)}{/yellow-fg}` : esc(text);
}

/** The help overlay's text (lines of at most 74 characters, for 80 columns). */
export const HELP_TEXT = [
  'ama live dashboard',
  '',
  '  Up Down  j k   select a proposal',
  '  a              approve the selected proposal',
  '  r              reject it (not proposed again while the mix stays as is)',
  '  u              undo an approval',
  '  ?  Esc         show or hide this help',
  '  q  Ctrl-C      quit',
  '',
  'Meters: M momentary (400 ms), S short-term (3 s), I integrated, TP true',
  "peak, LRA loudness range, PLR peak to loudness ratio. ┃ marks the",
  "references' mean; red: outside the references' range.",
  "Tonal balance: the mix's 1/3-octave levels against the references' mean",
  "(the 0 dB line); ░ is their range; bars green inside it, red outside.",
  'Proposals appear once stable. Approving changes nothing in the DAW itself.',
];
