import type { AudioBlock, ChannelRole } from '../../audio/types.js';
import { nextPowerOfTwo } from '../../dsp/fft.js';
import { Stft, type StftFrame } from '../../dsp/stft.js';
import { AmaError } from '../../util/errors.js';
import { MixProfileSchema, PROFILE_VERSION, type MixProfile } from '../profileSchema.js';
import { round } from './db.js';
import { DescriptorAnalyzer } from './descriptors.js';
import { StereoFold } from './downmix.js';
import { DynamicsAnalyzer, type LoudnessInputs } from './dynamics.js';
import { PROGRAMME_GATE } from './gatedSum.js';
import { SpectralFrameBuilder } from './spectralFrame.js';
import { StereoAnalyzer } from './stereo.js';
import { TonalAnalyzer } from './tonal.js';

export type { LoudnessInputs } from './dynamics.js';

/** What the profile analyzer needs to know about the stream. */
export interface ProfileAnalyzerOptions {
  /** Samples per second per channel, 8000..384000. */
  sampleRate: number;
  /** Channel count, 1..8 (must match layout). */
  channels: number;
  /** Speaker role of each channel; wider layouts fold down to L/R (LFE dropped). */
  layout: ChannelRole[];
  /** Spectral figures over only the last `recentSec` seconds (live view); session-long when omitted. */
  recentSec?: number;
}

/** Shortest frame of the long STFT: bins no wider than 3 Hz, so a 1/3-octave band at 40 Hz (9.2 Hz wide) spans >= 3 bins, s. */
export const MIN_FRAME_SEC = 1 / 3;

/**
 * Long-STFT size and hop for a sample rate: the smallest power of two of at least MIN_FRAME_SEC
 * (16384 at 44.1 and 48 kHz: 0.34 s, 2.9 Hz bins; 32768 at 96 kHz), hop N/2 (Hann at 50% overlap
 * weights every sample equally in the average). 0.34 s is also close to BS.1770's 0.4 s block,
 * so a frame's own loudness is a sound gating figure.
 */
export function stftSizeFor(sampleRate: number): { size: number; hop: number } {
  const size = nextPowerOfTwo(Math.ceil(MIN_FRAME_SEC * sampleRate));
  return { size, hop: size / 2 };
}

/**
 * Computes a MixProfile from audio blocks: one long STFT per block, whose frames feed the tonal,
 * descriptor and stereo analyzers, and the time-domain dynamics analyzer. `process` allocates
 * nothing (layouts wider than stereo grow a fold-down buffer once); `read` returns a fresh object
 * and can be called at any time. The same audio always gives the same profile.
 */
export class ProfileAnalyzer {
  private readonly sampleRate: number;
  private readonly channels: number;
  private readonly fold: StereoFold;
  private readonly stft: Stft;
  private readonly frames: SpectralFrameBuilder;
  private readonly tonal: TonalAnalyzer;
  private readonly descriptors: DescriptorAnalyzer;
  private readonly stereo: StereoAnalyzer;
  private readonly dynamics: DynamicsAnalyzer;
  private readonly recentSec: number | undefined;
  private readonly sink = (f: StftFrame): void => this.frame(f);
  private samples = 0;

  constructor(options: ProfileAnalyzerOptions) {
    const { sampleRate, channels, layout, recentSec } = options;
    if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 384000)) {
      throw new AmaError('BAD_FORMAT', `Sample rate must be within [8000, 384000] Hz, got ${sampleRate}.`);
    }
    if (!Number.isInteger(channels) || channels < 1 || channels !== layout.length) {
      throw new AmaError('BAD_FORMAT', `Channel count ${channels} must be >= 1 and match the layout (${layout.length} roles).`);
    }
    if (recentSec !== undefined && !(recentSec > 0)) {
      throw new AmaError('BAD_OPTION', `recentSec must be a positive number of seconds, got ${recentSec}.`);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.recentSec = recentSec;
    this.fold = new StereoFold(layout);
    const { size, hop } = stftSizeFor(sampleRate);
    this.stft = new Stft({ size, hop, window: 'hann' }, sampleRate);
    this.frames = new SpectralFrameBuilder(sampleRate, size);
    const recentFrames = recentSec === undefined ? undefined : Math.max(1, Math.ceil((recentSec * sampleRate) / hop));
    this.tonal = new TonalAnalyzer(sampleRate, recentFrames);
    this.descriptors = new DescriptorAnalyzer(sampleRate, recentFrames);
    this.stereo = new StereoAnalyzer(sampleRate, this.fold.mono, recentFrames);
    this.dynamics = new DynamicsAnalyzer(sampleRate);
  }

  /** Feeds one planar block (channels as in the layout, any length). */
  process(block: AudioBlock): void {
    const fold = this.fold;
    fold.apply(block);
    this.samples += fold.length;
    this.stft.process(fold.left, fold.right, this.sink, fold.length);
    this.dynamics.process(fold.left, fold.right, fold.length);
  }

  private frame(f: StftFrame): void {
    const sf = this.frames.build(f);
    this.tonal.processFrame(sf);
    this.descriptors.processFrame(sf);
    this.stereo.processFrame(sf);
  }

  /** The profile of everything fed so far; `loudness` adds the meter's figures to the dynamics. */
  read(loudness?: LoudnessInputs): MixProfile {
    const { size, hop } = this.stft;
    const tonal = this.tonal.read();
    const notes: string[] = [];
    if (this.stft.frameCount === 0) {
      notes.push(`Too short to analyse: the spectrum needs at least ${round(size / this.sampleRate, 2)} s of audio.`);
    } else if (tonal.gatedFrames === 0) {
      notes.push('Silent (nothing above -70 LUFS): tonal and stereo figures are not measurable.');
    }
    if (this.fold.mono) notes.push('Mono input: analysed as dual mono; width is zero.');
    if (this.recentSec !== undefined) notes.push(`Spectral figures cover the last ${this.recentSec} s; dynamics cover the whole session.`);
    const profile: MixProfile = {
      version: PROFILE_VERSION,
      sampleRateHz: this.sampleRate,
      channels: this.channels,
      analysedSec: round(this.samples / this.sampleRate, 3) ?? 0,
      programmeSec: round((tonal.gatedFrames * hop) / this.sampleRate, 3) ?? 0,
      analysis: {
        frameSize: size,
        hopSize: hop,
        frameSec: round(size / this.sampleRate, 4) ?? 0,
        hopSec: round(hop / this.sampleRate, 4) ?? 0,
        window: 'hann',
        bands: 'IEC 61260-1 base-10',
        gateAbsoluteLufs: PROGRAMME_GATE.absoluteDb,
        gateRelativeLu: PROGRAMME_GATE.relativeDb,
      },
      tonal: { referenceLufs: tonal.referenceLufs, thirdOctave: tonal.thirdOctave, sixthOctave: tonal.sixthOctave },
      descriptors: this.descriptors.read(),
      stereo: this.stereo.read(),
      dynamics: this.dynamics.read(loudness),
      notes,
    };
    return profile;
  }
}

/** Validates a profile read from JSON; throws AmaError listing every problem as `path: message`. */
export function parseMixProfile(value: unknown): MixProfile {
  const r = MixProfileSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new AmaError('BAD_FORMAT', `Not a valid mix profile:\n${lines.join('\n')}`);
}
