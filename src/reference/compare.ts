import { extractFeatures, type FeatureGroup, type TrackFigures } from './features.js';
import type { ReferenceTarget } from './target.js';

/** One row of `ama compare`: the mix's value against the references' mean and envelope. */
export interface FeatureComparison {
  feature: string;
  unit: string;
  group: FeatureGroup;
  centerHz?: number;
  mix: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Mix within [min - tolerance, max + tolerance]; null when either side is not measurable. */
  inside: boolean | null;
  /** Signed distance from the envelope (0 inside it), in the feature's unit; null when not comparable. */
  outsideBy: number | null;
  /** Mix minus the references' mean; null when not comparable. */
  deltaFromMean: number | null;
  tolerance: number;
}

/** Compares a mix with a reference target, feature by feature. */
export function compareToTarget(mix: TrackFigures, target: ReferenceTarget): FeatureComparison[] {
  const mixFeatures = new Map(extractFeatures(mix).map((f) => [f.feature, f]));
  return target.features.map((t) => {
    const m = mixFeatures.get(t.feature)?.value ?? null;
    const comparable = m !== null && t.min !== null && t.max !== null && t.mean !== null;
    let outsideBy: number | null = null;
    if (comparable) {
      if (m < t.min! - t.tolerance) outsideBy = m - (t.min! - t.tolerance);
      else if (m > t.max! + t.tolerance) outsideBy = m - (t.max! + t.tolerance);
      else outsideBy = 0;
    }
    return {
      feature: t.feature,
      unit: t.unit,
      group: t.group,
      ...(t.centerHz !== undefined ? { centerHz: t.centerHz } : {}),
      mix: m,
      mean: t.mean,
      min: t.min,
      max: t.max,
      inside: comparable ? outsideBy === 0 : null,
      outsideBy,
      deltaFromMean: comparable ? m - t.mean! : null,
      tolerance: t.tolerance,
    };
  });
}
