import { AmaError } from '../util/errors.js';

/**
 * Signal-to-distortion ratio of an estimate against the true source, dB:
 * SDR = 10 log10(sum s^2 / sum (s - s_hat)^2) over every channel and sample (the "new SDR" of the
 * Music Demixing Challenge 2021, without BSS Eval's allowed distortion filter: a gain or delay error
 * counts against the estimate). A perfect estimate is capped at `capDb`; a silent source gives null
 * (nothing to measure). `eps` keeps the ratio finite for near-silent ones.
 */
export function sdrDb(truth: readonly Float32Array[], estimate: readonly Float32Array[], capDb = 100, eps = 1e-12): number | null {
  if (truth.length !== estimate.length || truth.some((c, i) => c.length !== estimate[i].length)) {
    throw new AmaError('BAD_FORMAT', `SDR needs the estimate in the true source's shape: ${truth.length} x ${truth[0]?.length ?? 0} against ${estimate.length} x ${estimate[0]?.length ?? 0}`);
  }
  let signal = 0, error = 0;
  truth.forEach((s, c) => {
    const e = estimate[c];
    for (let i = 0; i < s.length; i++) {
      const d = s[i] - e[i];
      signal += s[i] * s[i];
      error += d * d;
    }
  });
  if (signal <= eps) return null;
  return Math.min(capDb, 10 * Math.log10((signal + eps) / (error + eps)));
}

/**
 * SDR per stem and their mean over the stems that have a value, dB. `truth` and `estimate` map stem
 * names to planar audio of the same shape; stems missing from `truth` are skipped.
 */
export function sdrPerStem(truth: Record<string, readonly Float32Array[] | undefined>, estimate: Record<string, readonly Float32Array[]>): { perStem: Record<string, number | null>; meanDb: number | null } {
  const perStem: Record<string, number | null> = {};
  for (const [name, est] of Object.entries(estimate)) {
    const t = truth[name];
    perStem[name] = t ? sdrDb(t, est) : null;
  }
  const vals = Object.values(perStem).filter((v): v is number => v !== null);
  return { perStem, meanDb: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null };
}
