import type { AudioBlock, ChannelRole } from '../../audio/types.js';
import { Stft, type StftFrame } from '../../dsp/stft.js';
import { AmaError } from '../../util/errors.js';
import { CrestAnalyzer, type CrestReading } from './crest.js';
import { DescriptorAnalyzer, type DescriptorReading } from './descriptors.js';
import { StereoFold } from './downmix.js';
import { stftSizeFor } from './framing.js';
import { SpectralFrameBuilder } from './spectralFrame.js';
import { StereoAnalyzer, type StereoReading } from './stereo.js';
import { TonalAnalyzer, type TonalReading } from './tonal.js';
import { TransientAnalyzer, type TransientReading } from './transients.js';

// This module holds the profile's per-sample work and nothing else (no zod, no JSON schema), so that
// a worker thread running some of it starts quickly.

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

export { MIN_FRAME_SEC, stftSizeFor } from './framing.js';

/**
 * The parts of the profile's work. They share no state, so they can run on different threads over
 * the same blocks and be merged at read time: 'spectral' is the long STFT and the tonal, descriptor
 * and stereo analyzers it feeds; 'crest' the crest factors, band crests and peak density; 'transients'
 * the onset detector.
 */
export type ProfilePart = 'spectral' | 'crest' | 'transients';

/** Every part, in the order they run in one thread. */
export const PROFILE_PARTS: readonly ProfilePart[] = ['spectral', 'crest', 'transients'];

/** What the 'spectral' part measured. */
export interface SpectralPartReading {
  /** Long-STFT frames analysed, 0..inf. */
  frameCount: number;
  tonal: TonalReading;
  descriptors: DescriptorReading;
  stereo: StereoReading;
}

/** The readings of the parts that ran: plain data (it crosses threads by structured clone). */
export interface ProfilePartReadings {
  /** Frames fed (per channel), 0..inf. */
  samples: number;
  spectral?: SpectralPartReading;
  crest?: CrestReading;
  transients?: TransientReading;
}

/** Checks the options once for every part; throws AmaError with the fix. */
export function checkProfileOptions(options: ProfileAnalyzerOptions): void {
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
}

/** The 'spectral' part: one long STFT per block, whose frames feed the tonal, descriptor and stereo analyzers. */
class SpectralPart {
  private readonly stft: Stft;
  private readonly frames: SpectralFrameBuilder;
  private readonly tonal: TonalAnalyzer;
  private readonly descriptors: DescriptorAnalyzer;
  private readonly stereo: StereoAnalyzer;
  private readonly sink = (f: StftFrame): void => this.frame(f);

  constructor(sampleRate: number, mono: boolean, recentSec: number | undefined) {
    const { size, hop } = stftSizeFor(sampleRate);
    this.stft = new Stft({ size, hop, window: 'hann' }, sampleRate);
    this.frames = new SpectralFrameBuilder(sampleRate, size);
    const recentFrames = recentSec === undefined ? undefined : Math.max(1, Math.ceil((recentSec * sampleRate) / hop));
    this.tonal = new TonalAnalyzer(sampleRate, recentFrames);
    this.descriptors = new DescriptorAnalyzer(sampleRate, recentFrames);
    this.stereo = new StereoAnalyzer(sampleRate, mono, recentFrames);
  }

  process(fold: StereoFold): void {
    this.stft.process(fold.left, fold.right, this.sink, fold.length);
  }

  private frame(f: StftFrame): void {
    const sf = this.frames.build(f);
    this.tonal.processFrame(sf);
    this.descriptors.processFrame(sf);
    this.stereo.processFrame(sf);
  }

  read(): SpectralPartReading {
    return { frameCount: this.stft.frameCount, tonal: this.tonal.read(), descriptors: this.descriptors.read(), stereo: this.stereo.read() };
  }
}

/**
 * Runs the chosen parts of the profile over audio blocks (all of them by default). `process`
 * allocates nothing (layouts wider than stereo grow a fold-down buffer once); `read` returns fresh
 * plain data and can be called at any time. The same audio always gives the same readings, whatever
 * the block sizes and whichever thread runs which part.
 */
export class ProfilePartsAnalyzer {
  /** The parts this analyzer runs. */
  readonly parts: readonly ProfilePart[];
  private readonly fold: StereoFold;
  private readonly spectral: SpectralPart | null;
  private readonly crest: CrestAnalyzer | null;
  private readonly transients: TransientAnalyzer | null;
  private samples = 0;

  constructor(options: ProfileAnalyzerOptions, parts: readonly ProfilePart[] = PROFILE_PARTS) {
    checkProfileOptions(options);
    const { sampleRate, layout, recentSec } = options;
    this.parts = PROFILE_PARTS.filter((p) => parts.includes(p));
    this.fold = new StereoFold(layout);
    this.spectral = parts.includes('spectral') ? new SpectralPart(sampleRate, this.fold.mono, recentSec) : null;
    this.crest = parts.includes('crest') ? new CrestAnalyzer(sampleRate) : null;
    this.transients = parts.includes('transients') ? new TransientAnalyzer(sampleRate) : null;
  }

  /** Feeds one planar block (channels as in the layout, any length). */
  process(block: AudioBlock): void {
    const fold = this.fold;
    fold.apply(block);
    this.samples += fold.length;
    this.spectral?.process(fold);
    this.crest?.process(fold.left, fold.right, fold.length);
    this.transients?.process(fold.left, fold.right, fold.length);
  }

  /** The readings of every part this analyzer runs, over everything fed so far. */
  read(): ProfilePartReadings {
    const out: ProfilePartReadings = { samples: this.samples };
    if (this.spectral) out.spectral = this.spectral.read();
    if (this.crest) out.crest = this.crest.read();
    if (this.transients) out.transients = this.transients.read();
    return out;
  }
}

/**
 * Merges the readings of analyzers that ran different parts over the same stream. Throws AmaError
 * INTERNAL when they saw different amounts of audio or ran the same part twice (a wiring fault).
 */
export function mergePartReadings(a: ProfilePartReadings, b: ProfilePartReadings): ProfilePartReadings {
  if (a.samples !== b.samples) {
    throw new AmaError('INTERNAL', `The profile's parts saw different amounts of audio (${a.samples} and ${b.samples} frames); they must be fed the same blocks.`);
  }
  const out: ProfilePartReadings = { ...a };
  for (const part of PROFILE_PARTS) {
    if (b[part] === undefined) continue;
    if (out[part] !== undefined) throw new AmaError('INTERNAL', `The profile part '${part}' ran twice; give each part to one analyzer.`);
    Object.assign(out, { [part]: b[part] });
  }
  return out;
}
