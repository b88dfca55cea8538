import { z } from 'zod';
import { StemsProfileSchema } from '../separation/stemSchema.js';

/**
 * MixProfile: the measured character of a piece of audio (tonal balance, descriptors, stereo image,
 * dynamics), versioned JSON validated by this one schema. Every figure carries its unit in its name;
 * unmeasurable figures are null, never NaN or Infinity (z.number() rejects both), and dB figures
 * are capped at +-120 dB. Unitless figures: correlation and pan -1..1, shares 0..1.
 */

/** Current profile format version; bump on any change of meaning. */
export const PROFILE_VERSION = 1;

const dbOrNull = z.number().min(-120).max(120).nullable();
const unit = z.number().min(-1).max(1).nullable();
const share = z.number().min(0).max(1).nullable();

/** One band of the tonal balance: mid and side level relative to the programme loudness. */
export const BandLevelSchema = z.object({
  centerHz: z.number().positive(),
  midDb: dbOrNull,
  sideDb: dbOrNull,
});

/** One 1/3-octave band of the stereo image. */
export const StereoBandSchema = z.object({
  centerHz: z.number().positive(),
  correlation: unit,
  sideToMidDb: dbOrNull,
  pan: unit,
});

/** The whole profile. */
export const MixProfileSchema = z.object({
  version: z.literal(PROFILE_VERSION),
  sampleRateHz: z.number().int().positive(),
  channels: z.number().int().positive(),
  analysedSec: z.number().nonnegative(),
  programmeSec: z.number().nonnegative(),
  analysis: z.object({
    frameSize: z.number().int().positive(),
    hopSize: z.number().int().positive(),
    frameSec: z.number().positive(),
    hopSec: z.number().positive(),
    window: z.literal('hann'),
    bands: z.literal('IEC 61260-1 base-10'),
    gateAbsoluteLufs: z.number(),
    gateRelativeLu: z.number(),
  }),
  tonal: z.object({
    referenceLufs: z.number().nullable(),
    thirdOctave: z.array(BandLevelSchema),
    sixthOctave: z.array(BandLevelSchema),
  }),
  descriptors: z.object({
    tiltDbPerOctave: z.number().nullable(),
    centroidHz: z.number().nonnegative().nullable(),
    energyShare: z.object({
      sub: share, bass: share, lowMids: share, mids: share, presence: share, brilliance: share, air: share,
    }),
  }),
  stereo: z.object({
    monoInput: z.boolean(),
    note: z.string().nullable(),
    balanceDb: dbOrNull,
    correlation: unit,
    sideToMidDb: dbOrNull,
    sideShare: share,
    monoLossDb: z.number().min(0).max(120).nullable(),
    lowEnd: z.object({ maxHz: z.number().positive(), correlation: unit, sideToMidDb: dbOrNull }),
    bands: z.array(StereoBandSchema),
  }),
  dynamics: z.object({
    samplePeakDbfs: z.number().nullable(),
    rmsDbfs: z.number().nullable(),
    crestDb: dbOrNull,
    crestLowDb: dbOrNull,
    crestMidDb: dbOrNull,
    crestHighDb: dbOrNull,
    nearPeakShare: share,
    transientsPerSec: z.number().nonnegative().nullable(),
    integratedLufs: z.number().nullable(),
    loudnessRangeLu: z.number().nullable(),
    plrDb: z.number().nullable(),
    psrDb: z.number().nullable(),
    shortTerm: z.object({ p10Lufs: z.number(), p50Lufs: z.number(), p90Lufs: z.number(), p95Lufs: z.number() }).nullable(),
    shortTermPeakSpreadLu: z.number().nullable(),
  }),
  notes: z.array(z.string()),
  /** Per-stem figures, when the track was separated (`ama suggest` with a separator); absent otherwise. */
  stems: StemsProfileSchema.optional(),
});

/** A mix profile, as validated by MixProfileSchema. */
export type MixProfile = z.infer<typeof MixProfileSchema>;
