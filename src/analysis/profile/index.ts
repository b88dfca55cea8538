import type { AudioBlock } from '../../audio/types.js';
import { AmaError } from '../../util/errors.js';
import { MixProfileSchema, PROFILE_VERSION, type MixProfile } from '../profileSchema.js';
import { round } from './db.js';
import { dynamicsReading, type LoudnessInputs } from './dynamics.js';
import { PROGRAMME_GATE } from './gatedSum.js';
import { PROFILE_PARTS, ProfilePartsAnalyzer, stftSizeFor, type ProfileAnalyzerOptions, type ProfilePartReadings } from './parts.js';

export type { LoudnessInputs } from './dynamics.js';
export { MIN_FRAME_SEC, mergePartReadings, PROFILE_PARTS, ProfilePartsAnalyzer, stftSizeFor } from './parts.js';
export type { ProfileAnalyzerOptions, ProfilePart, ProfilePartReadings } from './parts.js';

/**
 * Computes a MixProfile from audio blocks: one long STFT per block, whose frames feed the tonal,
 * descriptor and stereo analyzers, and the time-domain dynamics analyzers. `process` allocates
 * nothing (layouts wider than stereo grow a fold-down buffer once); `read` returns a fresh object
 * and can be called at any time. The same audio always gives the same profile. (To spread the work
 * over threads, run ProfilePartsAnalyzers with disjoint parts and give their merged readings to
 * assembleProfile: the profile is the same, bit for bit.)
 */
export class ProfileAnalyzer {
  private readonly options: ProfileAnalyzerOptions;
  private readonly parts: ProfilePartsAnalyzer;

  constructor(options: ProfileAnalyzerOptions) {
    this.parts = new ProfilePartsAnalyzer(options, PROFILE_PARTS);
    this.options = { ...options, layout: [...options.layout] };
  }

  /** Feeds one planar block (channels as in the layout, any length). */
  process(block: AudioBlock): void {
    this.parts.process(block);
  }

  /** The profile of everything fed so far; `loudness` adds the meter's figures to the dynamics. */
  read(loudness?: LoudnessInputs): MixProfile {
    return assembleProfile(this.options, this.parts.read(), loudness);
  }
}

/**
 * The MixProfile from the readings of every part (ProfilePartsAnalyzer.read, merged with
 * mergePartReadings when the parts ran apart) of a stream of the given format. Throws AmaError
 * INTERNAL when a part is missing.
 */
export function assembleProfile(options: ProfileAnalyzerOptions, parts: ProfilePartReadings, loudness?: LoudnessInputs): MixProfile {
  const { spectral, crest, transients } = parts;
  if (!spectral || !crest || !transients) {
    const missing = PROFILE_PARTS.filter((p) => parts[p] === undefined);
    throw new AmaError('INTERNAL', `The profile cannot be assembled without its part${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`);
  }
  const { sampleRate, channels, recentSec } = options;
  const { size, hop } = stftSizeFor(sampleRate);
  const tonal = spectral.tonal;
  const notes: string[] = [];
  if (spectral.frameCount === 0) {
    notes.push(`Too short to analyse: the spectrum needs at least ${round(size / sampleRate, 2)} s of audio.`);
  } else if (tonal.gatedFrames === 0) {
    notes.push('Silent (nothing above -70 LUFS): tonal and stereo figures are not measurable.');
  }
  if (channels === 1) notes.push('Mono input: analysed as dual mono; width is zero.');
  if (recentSec !== undefined) notes.push(`Spectral figures cover the last ${recentSec} s; dynamics cover the whole session.`);
  const profile: MixProfile = {
    version: PROFILE_VERSION,
    sampleRateHz: sampleRate,
    channels,
    analysedSec: round(parts.samples / sampleRate, 3) ?? 0,
    programmeSec: round((tonal.gatedFrames * hop) / sampleRate, 3) ?? 0,
    analysis: {
      frameSize: size,
      hopSize: hop,
      frameSec: round(size / sampleRate, 4) ?? 0,
      hopSec: round(hop / sampleRate, 4) ?? 0,
      window: 'hann',
      bands: 'IEC 61260-1 base-10',
      gateAbsoluteLufs: PROGRAMME_GATE.absoluteDb,
      gateRelativeLu: PROGRAMME_GATE.relativeDb,
    },
    tonal: { referenceLufs: tonal.referenceLufs, thirdOctave: tonal.thirdOctave, sixthOctave: tonal.sixthOctave },
    descriptors: spectral.descriptors,
    stereo: spectral.stereo,
    dynamics: dynamicsReading(crest, transients, loudness),
    notes,
  };
  return profile;
}

/** Validates a profile read from JSON; throws AmaError listing every problem as `path: message`. */
export function parseMixProfile(value: unknown): MixProfile {
  const r = MixProfileSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new AmaError('BAD_FORMAT', `Not a valid mix profile:\n${lines.join('\n')}`);
}
