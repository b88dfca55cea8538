import type { EqBandType } from './types.js';
import { rbjCoefficients, type EqBand } from './eqResponse.js';
import type { SpectrumView } from './spectrum.js';
import { outside } from './spectrum.js';

/**
 * Fits a few parametric bands (RBJ peaking, shelves, high-pass) to a spectrum view's deviation so
 * that the mix, through them, lands on the references' mean wherever it lay outside their envelope.
 *
 * What is fitted: bands whose (smoothed) deviation lies outside the envelope seed "problem regions",
 * which extend over their neighbours while the deviation keeps its sign and stays above 0.3 dB.
 * Inside a region the fit aims at the mean (squared residual); everywhere else it only must not push
 * a band out of its envelope (squared distance outside it). Boosts are never aimed at below 30 Hz,
 * above 16 kHz, or where the references disagree by more than 6 dB. Bands are added greedily, the
 * worst remaining band first: each candidate shape is tried on a grid of frequency and Q around it,
 * its gain found by a golden-section search, then the best is refined continuously; a final pass
 * refines every band with the others held. Responses are computed analytically and smoothed like
 * the data, so fitting a smoothed view recovers the filter itself.
 */

/** Limits of the fit. */
export interface EqFitLimits {
  maxBands: number;
  /** Largest |gain|, dB. */
  maxGainDb: number;
  /** Shapes allowed (default all four). */
  types?: readonly EqBandType[];
  /** Frequencies (Hz) outside which nothing is fitted (e.g. masked by the stereo agent): a predicate. */
  mask?: (centerHz: number) => boolean;
}

/** The fitted bands and what they do to the view. */
export interface EqFitResult {
  bands: EqBand[];
  /** The bands' combined (smoothed) response at each row of the view, dB. */
  modelDb: number[];
  /** Deviation left after the bands, dB. */
  residualDb: number[];
  /** Cost before and after (weighted squared dB), for diagnostics. */
  costBefore: number;
  costAfter: number;
}

/** Q range of a peaking band: broad musical strokes to a narrow notch-like cut. */
export const PEAKING_Q: readonly [number, number] = [0.5, 4];
/** Q of the shelves and the high-pass (shelf slope S = 1, Butterworth high-pass). */
export const SHELF_Q = Math.SQRT1_2;
/** A band smaller than this is not worth proposing, dB. */
export const MIN_BAND_GAIN_DB = 0.5;
/** Boosts are not aimed at where the references' spread exceeds this, dB. */
export const MAX_BOOST_SPREAD_DB = 6;
/** Boosts are not aimed at outside this range, Hz (band-edge artefacts). */
export const BOOST_RANGE_HZ = [30, 16000] as const;
/** A region extends over neighbours whose deviation is at least this, dB. */
const REGION_MIN_DB = 0.3;
const Q_GRID = [0.5, 0.7, 1, 1.4, 2, 2.8, 4];
const GOLDEN_STEPS = 12;
const ALL_TYPES: readonly EqBandType[] = ['peaking', 'lowShelf', 'highShelf', 'highPass'];

/** Precomputed cosines of the sub-points of every row, so a response costs no trig calls. */
interface Grid {
  n: number;
  /** cos(w) and cos(2w) of each sub-point, rows in order, SUB.length sub-points per row. */
  cos1: Float64Array; cos2: Float64Array;
  /** Neighbour indices in the row list for smoothing (-1: none). */
  prev: Int32Array; next: Int32Array;
  smooth: boolean;
  sampleRate: number;
  /** Scratch: one row's unsmoothed response. */
  raw: Float64Array;
}

const SUB = [-1 / 3, 0, 1 / 3];

function makeGrid(view: SpectrumView, sampleRate: number, smooth: boolean): Grid {
  const n = view.rows.length;
  const m = n * SUB.length;
  const g: Grid = {
    n, cos1: new Float64Array(m), cos2: new Float64Array(m),
    prev: new Int32Array(n).fill(-1), next: new Int32Array(n).fill(-1), smooth, sampleRate, raw: new Float64Array(n),
  };
  view.rows.forEach((r, i) => {
    SUB.forEach((x, k) => {
      const f = Math.min(r.centerHz * 2 ** ((x * view.bandOct) / 2), sampleRate / 2);
      const w = (2 * Math.PI * f) / sampleRate;
      const j = i * SUB.length + k;
      g.cos1[j] = Math.cos(w); g.cos2[j] = Math.cos(2 * w);
    });
    if (i > 0 && view.rows[i - 1].index === r.index - 1) g.prev[i] = i - 1;
    if (i + 1 < n && view.rows[i + 1].index === r.index + 1) g.next[i] = i + 1;
  });
  return g;
}

/**
 * A band's response over the grid's rows: power-averaged over each row's band, smoothed like the data, dB.
 * For real coefficients |b0 + b1 z^-1 + b2 z^-2|^2 on the unit circle is (b0^2 + b1^2 + b2^2) +
 * 2 (b0 b1 + b1 b2) cos w + 2 b0 b2 cos 2w, and likewise for the denominator (a0 = 1): the power
 * response is a ratio of two cosine polynomials, three multiply-adds each per point.
 */
function response(b: EqBand, g: Grid, out: Float64Array): Float64Array {
  const { b0, b1, b2, a1, a2 } = rbjCoefficients(b, g.sampleRate);
  const n0 = b0 * b0 + b1 * b1 + b2 * b2, n1 = 2 * (b0 * b1 + b1 * b2), n2 = 2 * b0 * b2;
  const d0 = 1 + a1 * a1 + a2 * a2, d1 = 2 * (a1 + a1 * a2), d2 = 2 * a2;
  const { cos1, cos2, raw } = g;
  const dbPerLn = 10 / Math.LN10;
  for (let i = 0, j = 0; i < g.n; i++) {
    let p = 0;
    for (let k = 0; k < SUB_COUNT; k++, j++) p += (n0 + n1 * cos1[j] + n2 * cos2[j]) / (d0 + d1 * cos1[j] + d2 * cos2[j]);
    raw[i] = Math.max(-120, dbPerLn * Math.log(p / SUB_COUNT));
  }
  for (let i = 0; i < g.n; i++) {
    if (!g.smooth) { out[i] = raw[i]; continue; }
    let s = 0.5 * raw[i], w = 0.5;
    if (g.prev[i] >= 0) { s += 0.25 * raw[g.prev[i]]; w += 0.25; }
    if (g.next[i] >= 0) { s += 0.25 * raw[g.next[i]]; w += 0.25; }
    out[i] = s / w;
  }
  return out;
}

const SUB_COUNT = SUB.length;

interface Problem {
  view: SpectrumView;
  grid: Grid;
  weight: Float64Array;
  targeted: Uint8Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Weighted squared cost of `base` plus `k` times `add` (k != 1: the linear model of a band's response in its gain). */
function cost(p: Problem, base: ArrayLike<number>, add: Float64Array | null, k = 1): number {
  let c = 0;
  for (let i = 0; i < p.grid.n; i++) {
    const r = base[i] + (add ? k * add[i] : 0);
    const e = p.targeted[i] ? r : outside(r, p.lower[i], p.upper[i]);
    c += p.weight[i] * e * e;
  }
  return c;
}

/** Golden-section search for the minimum of f over [lo, hi] (GOLDEN_STEPS narrowings): the bracket's middle, and the lowest cost seen at its inner points. */
function goldenMin(f: (x: number) => number, lo: number, hi: number): { x: number; fMin: number } {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo, b = hi;
  let c = b - phi * (b - a), d = a + phi * (b - a);
  let fc = f(c), fd = f(d);
  for (let k = 0; k < GOLDEN_STEPS; k++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - phi * (b - a); fc = f(c); } else { a = c; c = d; fc = fd; d = a + phi * (b - a); fd = f(d); }
  }
  return { x: (a + b) / 2, fMin: Math.min(fc, fd) };
}

/** Candidates kept for the exact gain search after the quick ranking. */
const SHORTLIST = 8;

/**
 * The candidates worth an exact gain search. A band's response in dB is close to proportional to its
 * gain (exactly so for small gains), so each shape's response is computed once, at half the largest
 * gain, and its cost is minimised over the gain on that linear model, which needs no filter maths.
 * The SHORTLIST shapes with the lowest modelled cost go on to the exact search; the model only
 * orders the candidates, so what is fitted is the exact optimum among them. (This cut the EQ fit, the
 * live daemon's largest cost, by about 3x with the same bands to the displayed precision.)
 */
function shortlist(p: Problem, base: ArrayLike<number>, all: Array<Omit<EqBand, 'gainDb'>>, sign: number, maxGain: number, buf: Float64Array): Array<Omit<EqBand, 'gainDb'>> {
  if (all.length <= SHORTLIST) return all;
  const g1 = (sign > 0 ? 1 : -1) * maxGain / 2;
  const scored = all.map((shape) => {
    if (shape.type === 'highPass') return { shape, cost: evaluate(p, base, shape, sign, maxGain, buf).cost };
    const r1 = response({ ...shape, gainDb: g1 }, p.grid, buf);
    return { shape, cost: goldenMin((k) => cost(p, base, r1, k), 0, 2).fMin };
  });
  scored.sort((x, y) => x.cost - y.cost);
  return scored.slice(0, SHORTLIST).map((x) => x.shape);
}

/** Whether a boost may be aimed at row i. */
function boostable(p: SpectrumView['rows'][number]): boolean {
  return p.centerHz >= BOOST_RANGE_HZ[0] && p.centerHz <= BOOST_RANGE_HZ[1] && p.spreadDb <= MAX_BOOST_SPREAD_DB;
}

function makeProblem(view: SpectrumView, sampleRate: number, smooth: boolean, mask?: (hz: number) => boolean): Problem {
  const n = view.rows.length;
  const rows = view.rows;
  const weight = Float64Array.from(rows, (r) => (mask && !mask(r.centerHz) ? 0 : r.centerHz >= 30 && r.centerHz <= 16000 ? 1 : 0.25));
  const targeted = new Uint8Array(n);
  const aimable = (i: number, sign: number) => weight[i] > 0 && (sign > 0 || boostable(rows[i]));
  for (let s = 0; s < n; s++) {
    const sign = Math.sign(rows[s].devDb);
    if (rows[s].outsideDb === 0 || !aimable(s, sign)) continue;
    // A deficit that only smoothing carried over from a neighbour (e.g. an empty band edge) is no reason to boost.
    if (sign < 0 && outside(rows[s].rawDevDb, rows[s].lowerDb, rows[s].upperDb) >= 0) continue;
    targeted[s] = 1;
    for (const dir of [-1, 1]) {
      for (let i = s + dir; i >= 0 && i < n; i += dir) {
        const r = rows[i];
        if (r.index !== rows[i - dir].index + dir || Math.sign(r.devDb) !== sign || Math.abs(r.devDb) < REGION_MIN_DB || !aimable(i, sign)) break;
        targeted[i] = 1;
      }
    }
  }
  return {
    view, grid: makeGrid(view, sampleRate, smooth), weight, targeted,
    // Where boosts are not aimed at, a deficit the mix already had costs nothing: filling it earns nothing either.
    lower: Float64Array.from(rows, (r) => (boostable(r) ? r.lowerDb : Math.min(r.lowerDb, r.devDb))), upper: Float64Array.from(rows, (r) => r.upperDb),
  };
}

/** Golden-section search of the gain in [lo, hi] minimising the cost, for fixed shape/frequency/Q. */
function bestGain(p: Problem, base: ArrayLike<number>, shape: Omit<EqBand, 'gainDb'>, lo: number, hi: number, buf: Float64Array): { band: EqBand; cost: number } {
  const f = (g: number) => cost(p, base, response({ ...shape, gainDb: g }, p.grid, buf));
  const g = goldenMin(f, lo, hi).x;
  return { band: { ...shape, gainDb: g }, cost: f(g) };
}

function evaluate(p: Problem, base: ArrayLike<number>, shape: Omit<EqBand, 'gainDb'>, sign: number, maxGain: number, buf: Float64Array): { band: EqBand; cost: number } {
  if (shape.type === 'highPass') {
    const band = { ...shape, gainDb: 0 };
    return { band, cost: cost(p, base, response(band, p.grid, buf)) };
  }
  return sign > 0 ? bestGain(p, base, shape, 0, maxGain, buf) : bestGain(p, base, shape, -maxGain, 0, buf);
}

/** Continuous refinement of frequency (and Q for peaking) by shrinking coordinate steps. */
function refine(p: Problem, base: ArrayLike<number>, start: { band: EqBand; cost: number }, sign: number, maxGain: number, buf: Float64Array): { band: EqBand; cost: number } {
  let best = start;
  const fs = p.grid.sampleRate;
  const fRange = start.band.type === 'highPass' ? [20, 300] : sign > 0 ? [...BOOST_RANGE_HZ] : [20, Math.min(20000, 0.45 * fs)];
  for (const step of [1 / 6, 1 / 24, 1 / 96]) {
    let improved = true;
    for (let guard = 0; improved && guard < 40; guard++) {
      improved = false;
      const tries: Array<Omit<EqBand, 'gainDb'>> = [];
      const { type, frequencyHz, q } = best.band;
      for (const s of [-1, 1]) {
        const f = frequencyHz * 2 ** (s * step);
        if (f >= fRange[0] && f <= fRange[1]) tries.push({ type, frequencyHz: f, q });
        if (type === 'peaking') {
          const qq = q * 2 ** (s * step * 2);
          if (qq >= PEAKING_Q[0] && qq <= PEAKING_Q[1]) tries.push({ type, frequencyHz, q: qq });
        }
      }
      for (const t of tries) {
        const r = evaluate(p, base, t, sign, maxGain, buf);
        if (r.cost < best.cost - 1e-9) { best = r; improved = true; }
      }
    }
  }
  return best;
}

function candidates(p: Problem, seed: number, sign: number, types: readonly EqBandType[]): Array<Omit<EqBand, 'gainDb'>> {
  const rows = p.view.rows;
  const f0 = rows[seed].centerHz;
  const out: Array<Omit<EqBand, 'gainDb'>> = [];
  // Boosts are centred within BOOST_RANGE_HZ only.
  const [bLo, bHi] = sign > 0 ? BOOST_RANGE_HZ : [0, Infinity];
  const near = (lo: number, hi: number) => rows.map((r) => r.centerHz).filter((f) => f >= Math.max(lo, bLo) && f <= Math.min(hi, bHi));
  if (types.includes('peaking')) for (const f of near(f0 / 2, f0 * 2)) for (const q of Q_GRID) out.push({ type: 'peaking', frequencyHz: f, q });
  if (types.includes('lowShelf') && f0 <= 500) for (const f of near(25, Math.min(4 * f0, 1000))) out.push({ type: 'lowShelf', frequencyHz: f, q: SHELF_Q });
  if (types.includes('highShelf') && f0 >= 1500) for (const f of near(Math.max(f0 / 4, 1000), 16000)) out.push({ type: 'highShelf', frequencyHz: f, q: SHELF_Q });
  if (types.includes('highPass') && f0 <= 100 && sign > 0) for (const f of near(20, 160)) out.push({ type: 'highPass', frequencyHz: f, q: SHELF_Q });
  return out;
}

/**
 * Whether a band moves the frequencies it acts on toward the references, judged on the mix as it
 * was: a band that only repairs another band's overshoot (a boost where the mix was already too
 * loud) is confusing to an engineer and is not proposed; nor is a boost over frequencies where the
 * references disagree by more than MAX_BOOST_SPREAD_DB.
 */
function movesTowardMean(band: EqBand, resp: Float64Array, view: SpectrumView): boolean {
  const strong = band.type === 'highPass' ? -3 : Math.max(0.5, Math.abs(band.gainDb) / 2);
  let sum = 0, count = 0;
  for (let i = 0; i < resp.length; i++) {
    if (band.type === 'highPass' ? resp[i] <= strong : Math.abs(resp[i]) >= strong) {
      // Never boost where the references disagree widely: there is no clear target to boost toward.
      if (band.gainDb > 0 && view.rows[i].spreadDb > MAX_BOOST_SPREAD_DB) return false;
      sum += view.rows[i].devDb;
      count++;
    }
  }
  if (count === 0) return false;
  const direction = band.type === 'highPass' ? -1 : Math.sign(band.gainDb);
  return direction * (sum / count) < 0;
}

/** Fits up to limits.maxBands bands to the view (see the module comment). `sampleRate`: the mix's, Hz. */
export function fitEq(view: SpectrumView, sampleRate: number, limits: EqFitLimits, smooth = view.resolution === 'sixthOctave'): EqFitResult {
  const p = makeProblem(view, sampleRate, smooth, limits.mask);
  const n = p.grid.n;
  const types = limits.types ?? ALL_TYPES;
  const res = Float64Array.from(view.rows, (r) => r.devDb);
  const buf = new Float64Array(n);
  const costBefore = cost(p, res, null);
  const bands: EqBand[] = [];
  const exhausted = new Set<number>();
  let current = costBefore;
  while (bands.length < limits.maxBands) {
    let seed = -1, worst = 0.05;
    for (let i = 0; i < n; i++) {
      if (!p.targeted[i] || exhausted.has(i)) continue;
      const o = Math.abs(outside(res[i], p.lower[i], p.upper[i])) * p.weight[i];
      if (o > worst) { worst = o; seed = i; }
    }
    if (seed < 0) break;
    const sign = -Math.sign(res[seed]); // the correction goes against the deviation
    let best: { band: EqBand; cost: number } | null = null;
    for (const c of shortlist(p, res, candidates(p, seed, sign, types), sign, limits.maxGainDb, buf)) {
      const r = evaluate(p, res, c, sign, limits.maxGainDb, buf);
      if (!best || r.cost < best.cost) best = r;
    }
    if (best) best = refine(p, res, best, sign, limits.maxGainDb, buf);
    const worthIt = best && best.cost < current * 0.97 && (best.band.type === 'highPass' || Math.abs(best.band.gainDb) >= MIN_BAND_GAIN_DB) &&
      movesTowardMean(best.band, response(best.band, p.grid, buf), view);
    if (!best || !worthIt) { exhausted.add(seed); continue; }
    bands.push(best.band);
    const r = response(best.band, p.grid, buf);
    for (let i = 0; i < n; i++) res[i] += r[i];
    current = best.cost;
  }
  // Joint refinement: each band again, with the others held.
  for (let j = 0; j < bands.length; j++) {
    const rj = response(bands[j], p.grid, new Float64Array(n));
    const base = Float64Array.from(res, (x, i) => x - rj[i]);
    const sign = bands[j].type === 'highPass' ? 1 : Math.sign(bands[j].gainDb);
    const start = evaluate(p, base, bands[j], sign, limits.maxGainDb, buf);
    const better = refine(p, base, start, sign, limits.maxGainDb, buf);
    bands[j] = better.band;
    const r = response(better.band, p.grid, buf);
    for (let i = 0; i < n; i++) res[i] = base[i] + r[i];
  }
  const kept = bands.filter((b) => b.type === 'highPass' || Math.abs(b.gainDb) >= MIN_BAND_GAIN_DB);
  const model = new Float64Array(n);
  for (const b of kept) {
    const r = response(b, p.grid, buf);
    for (let i = 0; i < n; i++) model[i] += r[i];
  }
  const residualDb = view.rows.map((r, i) => r.devDb + model[i]);
  return { bands: kept, modelDb: Array.from(model), residualDb, costBefore, costAfter: cost(p, residualDb, null) };
}

/** The fitted bands' combined response on another view's rows (e.g. the side, for a master band), dB. */
export function responseOnView(bands: readonly EqBand[], view: SpectrumView, sampleRate: number, smooth = view.resolution === 'sixthOctave'): number[] {
  const g = makeGrid(view, sampleRate, smooth);
  const total = new Float64Array(g.n);
  const buf = new Float64Array(g.n);
  for (const b of bands) {
    const r = response(b, g, buf);
    for (let i = 0; i < g.n; i++) total[i] += r[i];
  }
  return Array.from(total);
}

/** Cost of a residual on a view (targeted bands to the mean, others to the envelope), for scope decisions. */
export function viewCost(view: SpectrumView, residualDb: ArrayLike<number>, sampleRate: number): number {
  const p = makeProblem(view, sampleRate, false);
  return cost(p, residualDb, null);
}
