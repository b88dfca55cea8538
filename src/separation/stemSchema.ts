import { z } from 'zod';
import { STEM_FEATURES_VERSION } from './stemConstants.js';
import { SEPARATOR_IDS, STEM_NAMES } from './types.js';

/**
 * Per-stem features of a track, as they sit in its MixProfile (`profile.stems`, optional: profiles
 * made without separation, and every profile cached before it existed, have none). Units in names;
 * unmeasurable figures (a silent stem) are null.
 */

export { STEM_FEATURES_VERSION, STEM_OCTAVES_HZ } from './stemConstants.js';

const dbOrNull = z.number().min(-120).max(120).nullable();

/** One stem's figures. */
export const StemFeaturesSchema = z.object({
  /** K-weighted energy of the stem relative to the mix's, dB (0: the stem is the whole mix; -6: a quarter of it). */
  levelDb: dbOrNull,
  /** Octave-band levels (mid + side) relative to the stem's own total, dB, at STEM_OCTAVES_HZ. */
  octaves: z.array(z.object({ centerHz: z.number().positive(), levelDb: dbOrNull })),
  /** Side-to-mid power ratio, dB (-120 for a mono stem). */
  sideToMidDb: dbOrNull,
  /** Power pan, -1 (left) .. +1 (right): (R^2 - L^2) / (R^2 + L^2). */
  pan: z.number().min(-1).max(1).nullable(),
});

/** Every stem's figures and the separator they came from. */
export const StemsProfileSchema = z.object({
  version: z.literal(STEM_FEATURES_VERSION),
  separator: z.enum(SEPARATOR_IDS),
  stems: z.object(Object.fromEntries(STEM_NAMES.map((n) => [n, StemFeaturesSchema])) as Record<(typeof STEM_NAMES)[number], typeof StemFeaturesSchema>),
});

export type StemFeatures = z.infer<typeof StemFeaturesSchema>;
export type StemsProfile = z.infer<typeof StemsProfileSchema>;
