import type { AudioBlock } from '../audio/types.js';
import { Stft, type StftFrame } from '../dsp/stft.js';
import { CrestAnalyzer } from './profile/crest.js';
import { DescriptorAnalyzer } from './profile/descriptors.js';
import { StereoFold } from './profile/downmix.js';
import { checkProfileOptions, stftSizeFor, type ProfileAnalyzerOptions, type ProfilePartReadings, type SpectralPartReading } from './profile/parts.js';
import { SpectralFrameBuilder, type SpectralFrame } from './profile/spectralFrame.js';
import { StereoAnalyzer } from './profile/stereo.js';
import { TonalAnalyzer } from './profile/tonal.js';
import { TransientAnalyzer } from './profile/transients.js';

/** The analyzers fed by spectral frames, over the session or over a recent window. */
class SpectralSet {
  private readonly tonal: TonalAnalyzer;
  private readonly descriptors: DescriptorAnalyzer;
  private readonly stereo: StereoAnalyzer;

  constructor(sampleRate: number, mono: boolean, recentFrames: number | undefined) {
    this.tonal = new TonalAnalyzer(sampleRate, recentFrames);
    this.descriptors = new DescriptorAnalyzer(sampleRate, recentFrames);
    this.stereo = new StereoAnalyzer(sampleRate, mono, recentFrames);
  }

  processFrame(sf: SpectralFrame): void {
    this.tonal.processFrame(sf);
    this.descriptors.processFrame(sf);
    this.stereo.processFrame(sf);
  }

  read(frameCount: number): SpectralPartReading {
    return { frameCount, tonal: this.tonal.read(), descriptors: this.descriptors.read(), stereo: this.stereo.read() };
  }
}

/** Readings of a LiveProfileParts: the whole session, and the sliding window (spectral figures over the last windowSec). */
export interface LiveProfileReadings {
  session: ProfilePartReadings;
  window: ProfilePartReadings;
}

/**
 * The profile's work for a live stream, run once for two views: one fold-down and one long STFT
 * whose frames feed two sets of spectral analyzers (session-long, and the last `windowSec`), and
 * one crest and one onset analyzer (dynamics always cover the whole session, as in ProfileAnalyzer
 * with recentSec). The session readings equal ProfilePartsAnalyzer's over the same audio, bit for
 * bit; the window readings equal those of a ProfilePartsAnalyzer built with recentSec = windowSec.
 * `process` allocates nothing beyond what the analyzers themselves do.
 */
export class LiveProfileParts {
  /** Options of the session view (no recentSec). */
  readonly sessionOptions: ProfileAnalyzerOptions;
  /** Options of the window view (recentSec = windowSec). */
  readonly windowOptions: ProfileAnalyzerOptions;
  private readonly fold: StereoFold;
  private readonly stft: Stft;
  private readonly frames: SpectralFrameBuilder;
  private readonly session: SpectralSet;
  private readonly window: SpectralSet;
  private readonly crest: CrestAnalyzer;
  private readonly transients: TransientAnalyzer;
  private readonly sink = (f: StftFrame): void => this.frame(f);
  private samples = 0;

  /** `windowSec`: length of the sliding window, s (> 0). Throws AmaError on bad options. */
  constructor(options: Omit<ProfileAnalyzerOptions, 'recentSec'>, windowSec: number) {
    this.sessionOptions = { sampleRate: options.sampleRate, channels: options.channels, layout: [...options.layout] };
    this.windowOptions = { ...this.sessionOptions, layout: [...options.layout], recentSec: windowSec };
    checkProfileOptions(this.windowOptions);
    const { sampleRate, layout } = options;
    const { size, hop } = stftSizeFor(sampleRate);
    this.fold = new StereoFold(layout);
    this.stft = new Stft({ size, hop, window: 'hann' }, sampleRate);
    this.frames = new SpectralFrameBuilder(sampleRate, size);
    this.session = new SpectralSet(sampleRate, this.fold.mono, undefined);
    // The same frame count as ProfilePartsAnalyzer derives from recentSec.
    this.window = new SpectralSet(sampleRate, this.fold.mono, Math.max(1, Math.ceil((windowSec * sampleRate) / hop)));
    this.crest = new CrestAnalyzer(sampleRate);
    this.transients = new TransientAnalyzer(sampleRate);
  }

  /** Feeds one planar block (channels as in the layout, any length). */
  process(block: AudioBlock): void {
    const fold = this.fold;
    fold.apply(block);
    this.samples += fold.length;
    this.stft.process(fold.left, fold.right, this.sink, fold.length);
    this.crest.process(fold.left, fold.right, fold.length);
    this.transients.process(fold.left, fold.right, fold.length);
  }

  private frame(f: StftFrame): void {
    const sf = this.frames.build(f);
    this.session.processFrame(sf);
    this.window.processFrame(sf);
  }

  /** Frames fed so far (per channel). */
  get sampleCount(): number {
    return this.samples;
  }

  /** Fresh readings of both views over everything fed so far (the dynamics parts are shared). */
  read(): LiveProfileReadings {
    const crest = this.crest.read();
    const transients = this.transients.read();
    const n = this.stft.frameCount;
    return {
      session: { samples: this.samples, spectral: this.session.read(n), crest, transients },
      window: { samples: this.samples, spectral: this.window.read(n), crest: structuredClone(crest), transients: structuredClone(transients) },
    };
  }
}
