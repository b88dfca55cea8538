// The per-stem figures' constants without their zod schema (./stemSchema.ts), so that the separator's
// worker thread can measure stems without loading zod.

/** Version of the per-stem figures; part of their cache key. Bump on any change of meaning. */
export const STEM_FEATURES_VERSION = 1;

/** Octave-band centres of a stem's tonal balance, Hz. */
export const STEM_OCTAVES_HZ = [63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000] as const;
