// Suggestions for the board tests, built directly (no agents): each test states the numbers it feeds.
import type { Suggestion } from '../../../src/suggest/types.js';

/** An EQ band proposal; effect = (before - after) x confidence = effect x 0.8. */
export function eq(frequencyHz: number, gainDb: number, effect = 1, key = `eq:master:peaking@${Math.round(frequencyHz)}Hz`): Suggestion {
  return {
    key, agent: 'eq', scope: 'master', kind: 'eqBand',
    params: { type: 'peaking', frequencyHz, gainDb, q: 1 },
    confidence: 0.8, rationale: `Cut ${gainDb} dB at ${frequencyHz} Hz.`, evidence: { deltaDb: gainDb },
    predicted: { before: 2 + effect / 0.8, after: 2 },
  };
}

/** A gain proposal under its own key. */
export function gain(gainDb: number, effect = 0.5, key = 'loudness:master:gain'): Suggestion {
  return {
    key, agent: 'loudness', scope: 'master', kind: 'gain', params: { gainDb }, confidence: 1,
    rationale: `Raise by ${gainDb} dB.`, evidence: {}, predicted: { before: effect + 1, after: 1 },
  };
}

/** A diagnosis (no parameters). */
export function note(confidence = 0.6, key = 'tonal:master:dark'): Suggestion {
  return { key, agent: 'tonal', scope: 'master', kind: 'note', params: {}, confidence, rationale: 'The mix is darker than the references.', evidence: {} };
}

/** A deterministic pseudo-random sequence in [-1, 1] (xorshift), for jitter. */
export function jitter(seed = 12345): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 0xffffffff) * 2 - 1;
  };
}
