import { confidenceFrom, round, roundHz } from './agentKit.js';
import { fitEq, responseOnView, viewCost } from './eqFit.js';
import type { EqBand } from './eqResponse.js';
import { hzKey, nearestThirdOctave, outside, spectrumView, type SpectrumView } from './spectrum.js';
import type { AgentInput, AgentOptions } from './types.js';
import { widthRegions } from './widthRegions.js';

/**
 * The EQ plan: which bands, on which channel. Shared by the EQ agent (which turns it into
 * proposals) and the tonal agent (whose diagnoses point at the bands that fix them), so both see
 * the same bands under the same keys.
 *
 * Bands are fitted to the mid (see eqFit.ts). A band is on the master when the side shares its
 * deviation (putting it on the side too does not push the side out of its envelope), otherwise on
 * the mid alone. Side bands are then fitted to what the side still lacks, with the remaining band
 * budget, above 120 Hz (below, mono-ing the low end is the stereo agent's) and outside the broad
 * width regions (the stereo agent's width moves).
 */

/** One band of the plan, with what it is argued from. */
export interface PlannedBand {
  key: string;
  scope: 'master' | 'mid' | 'side';
  band: EqBand;
  /** The frequencies the band acts on (where it moves the level by at least half its gain), Hz. */
  regionLowHz: number;
  regionHighHz: number;
  /** Mean deviation from the references' mean over the region, before the band, dB. */
  meanDevDb: number;
  /** Largest distance outside the envelope over the region, signed, dB. */
  maxOutsideDb: number;
  /** Mean spread of the references over the region, dB. */
  spreadDb: number;
  confidence: number;
}

/** The plan and the views it was made from. */
export interface EqPlan {
  bands: PlannedBand[];
  mid: SpectrumView | null;
  notes: string[];
}

/** Side bands are not fitted below this, Hz. */
const SIDE_MIN_HZ = 120;
/** Margin around a broad width region in which no side band is fitted, as a frequency ratio (1/3 octave). */
const REGION_MARGIN = 2 ** (1 / 3);
/** Side this far under the mid in a band's region is inaudible next to it, dB. */
const INAUDIBLE_SIDE_DB = -12;
/** Slack when deciding whether the side tolerates a band, weighted dB^2. */
const SIDE_SLACK = 2;

const roundBand = (b: EqBand): EqBand => ({
  type: b.type, frequencyHz: roundHz(b.frequencyHz), gainDb: b.type === 'highPass' ? 0 : round(b.gainDb, 1), q: round(b.q, 2),
});

/** Where a band acts on a view and what the view said there before it. */
function describe(band: EqBand, view: SpectrumView, fs: number) {
  const resp = responseOnView([band], view, fs);
  const strong = band.type === 'highPass' ? -3 : Math.max(0.5, Math.abs(band.gainDb) / 2);
  let idx = view.rows.map((_, i) => i).filter((i) => (band.type === 'highPass' ? resp[i] <= strong : Math.abs(resp[i]) >= strong));
  if (idx.length === 0) {
    const near = view.rows.reduce((b, r, i) => (Math.abs(Math.log(r.centerHz / band.frequencyHz)) < Math.abs(Math.log(view.rows[b].centerHz / band.frequencyHz)) ? i : b), 0);
    idx = [near];
  }
  const rows = idx.map((i) => view.rows[i]);
  const maxOut = rows.reduce((a, r) => (Math.abs(r.outsideDb) > Math.abs(a) ? r.outsideDb : a), 0);
  return {
    regionLowHz: rows[0].centerHz, regionHighHz: rows[rows.length - 1].centerHz,
    meanDevDb: rows.reduce((a, r) => a + r.devDb, 0) / rows.length, maxOutsideDb: maxOut,
    spreadDb: rows.reduce((a, r) => a + r.spreadDb, 0) / rows.length,
  };
}

/** A copy of a view with extra response added to its deviations. */
function shifted(view: SpectrumView, addDb: number[]): SpectrumView {
  return { ...view, rows: view.rows.map((r, i) => ({ ...r, devDb: r.devDb + addDb[i], rawDevDb: r.rawDevDb + addDb[i], outsideDb: outside(r.devDb + addDb[i], r.lowerDb, r.upperDb) })) };
}

/**
 * The plans already made, by input object: the EQ and tonal agents of one evaluation get the same
 * input and options objects from the engine, so the fit (tens of ms) runs once, not twice. The entry
 * also checks the mix, target and options objects, so an input rebuilt around other figures is
 * planned afresh; weak keys keep nothing alive after the evaluation.
 */
const planned = new WeakMap<AgentInput, { mix: AgentInput['mix']; target: AgentInput['target']; o: AgentOptions; plan: EqPlan }>();

/** Makes the EQ plan for a mix against its references (memoised per input object: treat it as read-only). Pure and deterministic. */
export function planEq(input: AgentInput, o: AgentOptions): EqPlan {
  const hit = planned.get(input);
  if (hit && hit.mix === input.mix && hit.target === input.target && hit.o === o) return hit.plan;
  const plan = makePlan(input, o);
  planned.set(input, { mix: input.mix, target: input.target, o, plan });
  return plan;
}

function makePlan(input: AgentInput, o: AgentOptions): EqPlan {
  const mix = input.mix.profile;
  const refs = input.target.profiles;
  const fs = mix.sampleRateHz;
  const n = input.target.references.length;
  if (mix.tonal.referenceLufs === null) return { bands: [], mid: null, notes: ['The mix has no measurable tonal balance (silent): no EQ proposed.'] };
  const mid = spectrumView(mix, refs, 'mid', 'sixthOctave');
  if (mid.rows.length < 6) return { bands: [], mid, notes: ['Too few bands carry content in both the mix and the references to fit an EQ.'] };
  const fit = fitEq(mid, fs, { maxBands: o.maxEqBands, maxGainDb: o.maxEqGainDb });
  const stereo = !mix.stereo.monoInput && refs.every((r) => !r.stereo.monoInput);
  const sideOwn = stereo ? spectrumView(mix, refs, 'side', 'sixthOctave') : null;
  const chosen: Array<Omit<PlannedBand, 'key'>> = [];
  for (const raw of fit.bands) {
    const band = roundBand(raw);
    let scope: PlannedBand['scope'] = 'master';
    if (sideOwn && sideOwn.rows.length >= 6) {
      const dev = sideOwn.rows.map((r) => r.devDb);
      const resp = responseOnView([band], sideOwn, fs);
      const without = viewCost(sideOwn, dev, fs);
      const withBand = viewCost(sideOwn, dev.map((d, i) => d + resp[i]), fs);
      // Where the references' side is far under their mid, putting the band on it too changes nothing audible: master.
      const strong = resp.map((x) => Math.abs(x) >= Math.max(0.5, Math.abs(band.gainDb) / 2));
      const sideAt = new Map(sideOwn.rows.map((r, i) => [r.centerHz, strong[i] ? r.meanDb : null]));
      const gaps = mid.rows.filter((r) => sideAt.get(r.centerHz) != null).map((r) => sideAt.get(r.centerHz)! - r.meanDb);
      const audibleSide = gaps.length > 0 && gaps.reduce((a, g) => a + g, 0) / gaps.length > INAUDIBLE_SIDE_DB;
      if (audibleSide && withBand > without + SIDE_SLACK) scope = 'mid';
    }
    const d = describe(band, mid, fs);
    chosen.push({ scope, band, ...d, confidence: confidenceFrom(d.maxOutsideDb, 1.5, d.spreadDb, 6, n) });
  }
  const left = o.maxEqBands - chosen.length;
  if (sideOwn && sideOwn.rows.length >= 6 && left > 0) {
    const broad = widthRegions(mix, refs).filter((r) => r.broad);
    const masterBands = chosen.filter((p) => p.scope === 'master').map((p) => p.band);
    const side = shifted(sideOwn, responseOnView(masterBands, sideOwn, fs));
    // A third of an octave of margin around each region: its tails belong to the same width move.
    const mask = (hz: number) => hz >= SIDE_MIN_HZ && !broad.some((r) => hz >= r.lowHz / REGION_MARGIN && hz <= r.highHz * REGION_MARGIN);
    const sideFit = fitEq(side, fs, { maxBands: left, maxGainDb: o.maxEqGainDb, types: ['peaking', 'lowShelf', 'highShelf'], mask });
    for (const raw of sideFit.bands) {
      const band = roundBand(raw);
      const d = describe(band, side, fs);
      chosen.push({ scope: 'side', band, ...d, confidence: confidenceFrom(d.maxOutsideDb, 1.5, d.spreadDb, 6, n) });
    }
  }
  const seen = new Map<string, number>();
  const bands = chosen.map((p) => {
    const base = `eq:${p.scope}:${p.band.type}@${hzKey(nearestThirdOctave(p.band.frequencyHz))}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return { key: k === 1 ? base : `${base}#${k}`, ...p };
  });
  return { bands, mid, notes: [] };
}
