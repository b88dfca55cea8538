import type { Suggestion } from '../suggest/types.js';
import { qToOctaves } from './encoding.js';
import type { EqProfile, Mapping, MappedParam } from './mappingSchema.js';

/**
 * Which proposal maps to what in a DAW, as pure functions the pusher and the tests share:
 * - gain (gainDb) and limiter (inputGainDb) change the master volume by that many dB;
 * - eqBand sets one band of the EQ plugin on the master (a free band of the same shape, nearest in frequency);
 * - compressor sets the compressor plugin on the master (broadband only);
 * - balance moves the master pan (balance law: the quieter side drops by the dB asked);
 * - width, monoBelow, stemGain and note are not pushable: the board says so and nothing is written.
 */

/** What a pushable proposal targets. */
export type PushTarget = 'masterVolume' | 'masterPan' | 'eq' | 'compressor';

/** The target of a proposal in this mapping, or why it cannot be pushed (a sentence). */
export function pushTarget(s: Suggestion, m: Mapping): { ok: true; target: PushTarget } | { ok: false; reason: string } {
  if (s.scope !== 'master') return { ok: false, reason: `not pushable: it acts on ${s.scope}, and ama pushes master-bus moves only; make it by hand` };
  switch (s.kind) {
    case 'gain': case 'limiter':
      return { ok: true, target: 'masterVolume' };
    case 'balance':
      return m.controls.masterPan ? { ok: true, target: 'masterPan' } : { ok: false, reason: 'not pushable: this mapping has no master pan control' };
    case 'eqBand':
      if (!m.plugins.eq) return { ok: false, reason: 'not pushable: this mapping names no EQ plugin on the master' };
      if (!m.plugins.eq.bands.some((b) => b.shape === s.params.type)) return { ok: false, reason: `not pushable: ${m.plugins.eq.identity[0]} has no ${s.params.type} band in this mapping; make it by hand` };
      return { ok: true, target: 'eq' };
    case 'compressor':
      if (!m.plugins.compressor) return { ok: false, reason: 'not pushable: this mapping names no compressor plugin on the master' };
      if (s.params.lowHz !== undefined || s.params.highHz !== undefined) return { ok: false, reason: 'not pushable: a band-limited compressor needs a multiband compressor, which the mapping does not drive; make it by hand' };
      return { ok: true, target: 'compressor' };
    default:
      return { ok: false, reason: `not pushable: a ${s.kind} move has no control in ${m.daw}'s mapping (only gain, limiter drive, EQ band, compressor and balance are pushed); make it by hand` };
  }
}

/** A band's current state, read before choosing. */
export interface BandState { index: number; frequencyHz: number; gainDb: number | null; enabled: boolean | null }

/**
 * Chooses the band for an EQ proposal: the band this key was pushed to before, else a free band of
 * the same shape (switched off, or at 0 dB) nearest in frequency (log distance). A band already
 * holding the engineer's move is never overwritten: null when none is free.
 */
export function chooseBand(eq: EqProfile, shape: string, frequencyHz: number, states: BandState[], taken: ReadonlySet<number>, previous?: number): number | null {
  if (previous !== undefined && eq.bands[previous]?.shape === shape) return previous;
  let best: { i: number; d: number } | null = null;
  for (const st of states) {
    const b = eq.bands[st.index];
    if (b.shape !== shape || taken.has(st.index)) continue;
    const free = st.enabled === false || st.gainDb === null || Math.abs(st.gainDb) < 0.05;
    if (!free) continue;
    const d = Math.abs(Math.log2(Math.max(st.frequencyHz, 1) / frequencyHz));
    if (!best || d < best.d) best = { i: st.index, d };
  }
  return best ? best.i : null;
}

/** The value in the param's unit for an EQ band's width (ama's Q -> octaves where the plugin wants bandwidth). */
export function widthValue(p: MappedParam, q: number): number {
  return p.unit === 'octaves' ? qToOctaves(q) : q;
}

/** Clamps to a range; says so when it did. */
export function clampTo(v: number, range: { min: number; max: number } | undefined): { value: number; clamped: boolean } {
  if (!range) return { value: v, clamped: false };
  const c = Math.min(range.max, Math.max(range.min, v));
  return { value: c, clamped: c !== v };
}
