import type { FeatureComparison } from '../reference/compare.js';
import { predictEffect } from './predict.js';
import type { AgentInput, AgentOptions, Suggestion } from './types.js';

/** Small shared helpers of the agents: lookups, confidence, rounding, sentences. */

/** The comparison row of a feature, or undefined. */
export function comparison(input: AgentInput, feature: string): FeatureComparison | undefined {
  return input.comparisons.find((c) => c.feature === feature);
}

/** Rounds to `digits` decimals (0.1 dB is as fine as any of ama's moves needs). */
export function round(x: number, digits = 1): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/** Rounds a frequency to 3 significant digits, Hz. */
export function roundHz(f: number): number {
  const d = Math.max(0, 2 - Math.floor(Math.log10(f)));
  return round(f, d);
}

/** A signed dB figure for sentences: +3.1 dB, -0.4 dB. */
export function db(x: number, unit = 'dB'): string {
  return `${x > 0 ? '+' : ''}${x.toFixed(1)} ${unit}`;
}

/**
 * Confidence 0.05..0.99 from how far outside the envelope a figure lies (in units of `scale`),
 * how much the references disagree (spread, in units of `spreadScale`), and how many there are
 * (one reference alone is a weaker target).
 */
export function confidenceFrom(excess: number, scale: number, spread: number, spreadScale: number, references: number): number {
  const strength = 1 - Math.exp(-Math.abs(excess) / scale);
  const agreement = 1 / (1 + Math.max(0, spread) / spreadScale);
  const count = references >= 2 ? 1 : 0.7;
  return round(Math.min(0.99, Math.max(0.05, strength * agreement * count)), 2);
}

/** The suggestion with its predicted effect (distance to the target before and after) filled in. */
export function withPrediction<S extends Suggestion>(input: AgentInput, s: S, options: AgentOptions): S {
  const predicted = predictEffect(input.mix, input.target, s, options);
  return predicted ? { ...s, predicted } : s;
}
