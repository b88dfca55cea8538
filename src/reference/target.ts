import { z } from 'zod';
import { MixProfileSchema } from '../analysis/profileSchema.js';
import { AmaError } from '../util/errors.js';
import { extractFeatures, type FeatureGroup, type TrackFigures } from './features.js';

/** Current ReferenceTarget format version; bump on any change of meaning. */
export const TARGET_VERSION = 1;

/** References from this many on get a percentile envelope (10th..90th) instead of min..max. */
export const PERCENTILE_FROM = 5;

const FeatureStatsSchema = z.object({
  feature: z.string(),
  unit: z.string(),
  group: z.enum(['loudness', 'dynamics', 'tonal', 'spectrum', 'stereo', 'stereoBands', 'stems']),
  centerHz: z.number().optional(),
  tolerance: z.number().nonnegative(),
  /** Mean over the references that have the figure. */
  mean: z.number().nullable(),
  /** Lower edge of the envelope: the minimum, or the 10th percentile with many references. */
  min: z.number().nullable(),
  /** Upper edge of the envelope: the maximum, or the 90th percentile with many references. */
  max: z.number().nullable(),
  /** Each reference's value, in reference order (null where not measurable). */
  values: z.array(z.number().nullable()),
});

/** What the references are, as the target records them. */
export const ReferenceInfoSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  sampleRateHz: z.number(),
  channels: z.number(),
  durationSec: z.number(),
  integratedLufs: z.number().nullable(),
});

/** The target built from 1..n reference tracks: per feature, mean and envelope. */
export const ReferenceTargetSchema = z.object({
  version: z.literal(TARGET_VERSION),
  envelope: z.enum(['min-max', 'p10-p90']),
  references: z.array(ReferenceInfoSchema).min(1),
  features: z.array(FeatureStatsSchema),
  /** Each reference's full profile (normalised to its own loudness), for agents that need more than the features. */
  profiles: z.array(MixProfileSchema),
});

export type ReferenceTarget = z.infer<typeof ReferenceTargetSchema>;
export type FeatureStats = z.infer<typeof FeatureStatsSchema>;
export type ReferenceInfo = z.infer<typeof ReferenceInfoSchema>;

/** Linear-interpolated percentile of sorted values, p in 0..100. */
function percentile(sorted: number[], p: number): number {
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Aggregates reference tracks into a target. Their tonal balance is already normalised to each
 * track's own loudness, so tracks mastered at different levels compare. With fewer than
 * PERCENTILE_FROM references the envelope is min..max, from then on the 10th..90th percentile.
 */
export function buildTarget(refs: Array<{ info: ReferenceInfo; figures: TrackFigures }>): ReferenceTarget {
  if (refs.length === 0) throw new AmaError('BAD_OPTION', 'no reference tracks given; pass 2-3 with --ref FILE');
  const perRef = refs.map((r) => extractFeatures(r.figures));
  const envelope = refs.length >= PERCENTILE_FROM ? 'p10-p90' : 'min-max';
  const features: FeatureStats[] = perRef[0].map((f0, i) => {
    const values = perRef.map((fs) => fs[i].value);
    const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    const n = present.length;
    const mean = n ? present.reduce((a, b) => a + b, 0) / n : null;
    const tolerance = Math.max(...perRef.map((fs) => fs[i].tolerance));
    return {
      feature: f0.feature,
      unit: f0.unit,
      group: f0.group as FeatureGroup,
      ...(f0.centerHz !== undefined ? { centerHz: f0.centerHz } : {}),
      tolerance,
      mean,
      min: n ? (envelope === 'p10-p90' ? percentile(present, 10) : present[0]) : null,
      max: n ? (envelope === 'p10-p90' ? percentile(present, 90) : present[n - 1]) : null,
      values,
    };
  });
  return { version: TARGET_VERSION, envelope, references: refs.map((r) => r.info), features, profiles: refs.map((r) => r.figures.profile) };
}
