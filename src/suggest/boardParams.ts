import { AmaError } from '../util/errors.js';
import type { Suggestion } from './types.js';

/**
 * The SuggestionBoard's hysteresis settings and the deadband test it uses to decide whether a
 * proposal's parameters "changed". Numbers are judged by their unit, read from the parameter's
 * name: levels (`...Db`, `...Dbtp`, `...Lufs`, `...Lu`) by an absolute deadband in dB; frequencies
 * (`...Hz`) and everything else (q, ratio, times in ms) by a relative one; strings (an EQ band's
 * type) by equality.
 */

/** Hysteresis settings of a SuggestionBoard. */
export interface BoardOptions {
  /** K: consecutive evaluations a key must be proposed in before it is shown, >= 1. */
  appearEvaluations: number;
  /** T: and those evaluations must span at least this long, s >= 0. */
  appearSec: number;
  /** M: consecutive evaluations a shown key must be absent from before it expires, >= 1. */
  expireEvaluations: number;
  /** S: and it must not have been proposed for at least this long, s >= 0. */
  expireSec: number;
  /** Shown levels change only when the proposal moves by more than this, dB > 0. */
  levelDeadbandDb: number;
  /** Shown frequencies change only when the proposal moves by more than this share, % > 0. */
  frequencyDeadbandPct: number;
  /** Other numbers (q, ratio, times) change only when they move by more than this share, % > 0. */
  otherDeadbandPct: number;
  /** A rejected key is proposed again only once its parameters move by this many deadbands, >= 1. */
  rejectFactor: number;
  /** Items reorder only when a move's expected effect changes by more than this share, % >= 0. */
  rankDeadbandPct: number;
  /** How long rejected, undone and expired items stay listed before they are hidden, s >= 0. */
  retainSec: number;
  /** Most keys remembered (rejections included); the oldest hidden rejections are forgotten first, >= 10. */
  maxRemembered: number;
}

/** Defaults: shown after 3 evaluations over 3 s, expired after 3 evaluations over 5 s, 0.5 dB / 10 % deadbands. */
export const DEFAULT_BOARD_OPTIONS: Readonly<BoardOptions> = Object.freeze({
  appearEvaluations: 3,
  appearSec: 3,
  expireEvaluations: 3,
  expireSec: 5,
  levelDeadbandDb: 0.5,
  frequencyDeadbandPct: 10,
  otherDeadbandPct: 10,
  rejectFactor: 2,
  rankDeadbandPct: 25,
  retainSec: 10,
  maxRemembered: 500,
});

const RANGES: Record<keyof BoardOptions, [number, number]> = {
  appearEvaluations: [1, 1000], appearSec: [0, 3600], expireEvaluations: [1, 1000], expireSec: [0, 3600],
  levelDeadbandDb: [0.001, 24], frequencyDeadbandPct: [0.001, 100], otherDeadbandPct: [0.001, 100],
  rejectFactor: [1, 100], rankDeadbandPct: [0, 1000], retainSec: [0, 3600], maxRemembered: [10, 1e6],
};

/** Fills in defaults and checks every option; throws one AmaError listing all problems as `name: message`. */
export function resolveBoardOptions(input: Partial<BoardOptions> = {}): BoardOptions {
  const out = { ...DEFAULT_BOARD_OPTIONS, ...input };
  const problems: string[] = [];
  for (const [name, [lo, hi]] of Object.entries(RANGES) as [keyof BoardOptions, [number, number]][]) {
    const v = out[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) problems.push(`${name}: must be a number within [${lo}, ${hi}], got ${String(v)}`);
  }
  for (const name of Object.keys(input)) if (!(name in RANGES)) problems.push(`${name}: unknown board option; known: ${Object.keys(RANGES).join(', ')}`);
  if (problems.length) throw new AmaError('BAD_OPTION', `Board options are invalid:\n${problems.join('\n')}`);
  return out;
}

const LEVEL = /(Db|Dbtp|Lufs|Lu)$/;

/** Relative difference of two numbers, 0..2 (0 when both are 0). */
function relDiff(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/**
 * Whether two parameter sets differ by more than `factor` deadbands in any parameter (a missing or
 * added parameter, or a changed string, always counts).
 */
export function paramsDiffer(a: object, b: object, o: BoardOptions, factor = 1): boolean {
  const pa = a as Record<string, unknown>, pb = b as Record<string, unknown>;
  const names = new Set([...Object.keys(pa), ...Object.keys(pb)]);
  for (const name of names) {
    const x = pa[name], y = pb[name];
    if (typeof x !== 'number' || typeof y !== 'number') {
      if (x !== y) return true;
      continue;
    }
    if (LEVEL.test(name)) {
      if (Math.abs(x - y) > o.levelDeadbandDb * factor) return true;
    } else if (name.endsWith('Hz')) {
      if (relDiff(x, y) > (o.frequencyDeadbandPct / 100) * factor) return true;
    } else if (relDiff(x, y) > (o.otherDeadbandPct / 100) * factor) return true;
  }
  return false;
}

/** Whether a held suggestion should be replaced by a newer one of the same key (kind or parameters moved). */
export function suggestionMoved(held: Suggestion, next: Suggestion, o: BoardOptions, factor = 1): boolean {
  if (held.kind !== next.kind || held.scope !== next.scope) return true;
  if (held.kind === 'note') {
    // A diagnosis has no parameters: its confidence and what addresses it are what a reader sees move.
    const links = (s: Suggestion) => [...(s.addressedBy ?? [])].sort().join('\n');
    return Math.abs(held.confidence - next.confidence) > 0.1 * factor || links(held) !== links(next);
  }
  return paramsDiffer(held.params, next.params, o, factor);
}

/** Whether an expected effect moved clearly enough to re-rank (relative deadband, with a floor of 0.01). */
export function effectMoved(held: number, next: number, o: BoardOptions): boolean {
  return Math.abs(held - next) > Math.max(0.01, (o.rankDeadbandPct / 100) * Math.max(Math.abs(held), Math.abs(next)));
}
