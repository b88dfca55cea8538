import type { Suggestion } from './types.js';

/**
 * The `amount` control: how much of each proposed move to make, 0..100 %. Every parameter that is
 * a move scales; parameters that describe where or how (frequencies of bells and shelves, Q,
 * attack, release, knee, the limiter's ceiling) do not.
 * - gain, stem gain, EQ gain, width (side gain), balance: multiplied by the amount.
 * - limiter: its input gain is multiplied; its ceiling is a limit, not a move, and stays.
 * - compressor: the compression slope (1 - 1/ratio) is multiplied, which moves the ratio toward
 *   1:1, so the gain reduction at every level above the threshold is the amount's share of the
 *   full proposal's; the make-up (which restores that reduction) is multiplied too; the threshold
 *   stays (moving it as well would compound the two and overshoot the share).
 * - high-pass and mono-below frequencies move toward 20 Hz (where they do nothing audible)
 *   geometrically: f' = 20 Hz * (f / 20 Hz)^amount.
 * - notes have nothing to scale.
 * A move that becomes negligible (under 0.05 dB, a ratio under 1.01:1, a frequency at 20 Hz) is
 * dropped, so amount 0 leaves only the notes.
 */

/** Where scaled frequencies go at amount 0, Hz. */
const NEUTRAL_HZ = 20;
/** Moves smaller than this are dropped after scaling, dB. */
const NEGLIGIBLE_DB = 0.05;

const r2 = (x: number) => Math.round(x * 100) / 100;
const towardNeutralHz = (f: number, a: number) => r2(NEUTRAL_HZ * (f / NEUTRAL_HZ) ** a);

/** The suggestion at `amountPct` % of its full move, or null when nothing is left of it. */
export function scaleSuggestion(s: Suggestion, amountPct: number): Suggestion | null {
  const a = Math.min(1, Math.max(0, amountPct / 100));
  if (a === 1 || s.kind === 'note') return s;
  const note = (x: Suggestion): Suggestion => ({ ...x, rationale: `${x.rationale} Scaled to ${amountPct} % (the figures in this sentence are the full move's).` });
  switch (s.kind) {
    case 'gain':
    case 'stemGain': {
      const gainDb = r2(s.params.gainDb * a);
      return Math.abs(gainDb) < NEGLIGIBLE_DB ? null : note({ ...s, params: { gainDb } });
    }
    case 'limiter':
      return note({ ...s, params: { ...s.params, inputGainDb: r2(s.params.inputGainDb * a) } });
    case 'eqBand': {
      if (s.params.type === 'highPass') {
        const frequencyHz = towardNeutralHz(s.params.frequencyHz, a);
        return frequencyHz <= NEUTRAL_HZ * 1.01 ? null : note({ ...s, params: { ...s.params, frequencyHz } });
      }
      const gainDb = r2(s.params.gainDb * a);
      return Math.abs(gainDb) < NEGLIGIBLE_DB ? null : note({ ...s, params: { ...s.params, gainDb } });
    }
    case 'compressor': {
      const slope = (1 - 1 / s.params.ratio) * a;
      const ratio = r2(1 / (1 - slope));
      return ratio < 1.01 ? null : note({ ...s, params: { ...s.params, ratio, makeupDb: r2(s.params.makeupDb * a) } });
    }
    case 'width': {
      const sideGainDb = r2(s.params.sideGainDb * a);
      return Math.abs(sideGainDb) < NEGLIGIBLE_DB ? null : note({ ...s, params: { ...s.params, sideGainDb } });
    }
    case 'monoBelow': {
      const frequencyHz = towardNeutralHz(s.params.frequencyHz, a);
      return frequencyHz <= NEUTRAL_HZ * 1.01 ? null : note({ ...s, params: { frequencyHz } });
    }
    case 'balance': {
      const balanceDb = r2(s.params.balanceDb * a);
      return Math.abs(balanceDb) < NEGLIGIBLE_DB ? null : note({ ...s, params: { balanceDb } });
    }
  }
}
