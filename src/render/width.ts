import { BiquadCascade } from '../dsp/biquadCascade.js';
import { BandSplitter, firstOrderAllpassCoeffs, lr2HighpassCoeffs } from '../dsp/linkwitzRiley.js';
import { dbToGain } from './gain.js';
import { decodeMidSide, encodeMidSide, type RenderStage } from './stage.js';

/**
 * Stereo width moves on channels 0 and 1 (L, R) through mid/side, M = (L+R)/2, S = (L-R)/2.
 * Filtering S alone would shift its phase against M and smear panned sources, so M (and every
 * channel beyond the first two) goes through the all-pass that the side filter's pass band has:
 * at 0 dB the stage is a pure all-pass, identical on every channel, and the image is unchanged.
 */

/**
 * Side gain in a band: S becomes AP(S) + k LR4band(S) (see BandSplitter) with k = (g - 1) / (peak of
 * the band's magnitude), so the side level changes by exactly sideGainDb where the band peaks (its
 * centre) and by less towards the LR4 edges: a two-octave band would otherwise reach only 1 + 0.89 (g - 1)
 * (+5.5 dB for +6). For g < 1 the side never changes sign: 1 + k |band| >= g. M and the other
 * channels get AP. lowHz null or <= 0: from DC; highHz null or >= 0.45 fs: to Nyquist.
 */
export class WidthStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames = 0;
  private readonly split: BandSplitter;
  private readonly splitState: Float64Array;
  private readonly allpass: BiquadCascade;
  private readonly apStates: Float64Array[];
  private readonly k: number;
  private band = new Float64Array(0);

  /** For `channels` (>= 2) channels at `sampleRate` Hz. */
  constructor(sampleRate: number, channels: number, lowHz: number | null, highHz: number | null, sideGainDb: number) {
    this.split = new BandSplitter(sampleRate, lowHz, highHz);
    this.label = `side ${sideGainDb >= 0 ? '+' : ''}${sideGainDb} dB in ${this.split.lowHz ?? 0}..${this.split.highHz ?? sampleRate / 2} Hz`;
    this.splitState = this.split.createState();
    this.allpass = this.split.allpass();
    // State for mid (index 0) and for channels 2.. (index c - 1).
    this.apStates = Array.from({ length: channels - 1 }, () => this.allpass.createState());
    this.k = (dbToGain(sideGainDb) - 1) / this.split.peakBandGain();
  }

  process(block: Float64Array[], n: number): void {
    if (this.band.length < n) this.band = new Float64Array(n);
    const [m, s] = block, band = this.band, k = this.k;
    encodeMidSide(m, s, n);
    this.split.process(s, band, this.splitState, n);
    for (let i = 0; i < n; i++) s[i] += k * band[i];
    this.allpass.process(m, this.apStates[0], n);
    for (let c = 2; c < block.length; c++) this.allpass.process(block[c], this.apStates[c - 1], n);
    decodeMidSide(m, s, n);
  }
}

/**
 * Mono below a frequency: S is high-passed by LR2 (12 dB/octave, -6.02 dB at frequencyHz), and M
 * and the channels beyond the first two by the first-order all-pass in phase with it.
 */
export class MonoBelowStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames = 0;
  private readonly highpass: BiquadCascade;
  private readonly allpass: BiquadCascade;
  private readonly hpState: Float64Array;
  private readonly apStates: Float64Array[];

  /** For `channels` (>= 2) channels at `sampleRate` Hz; 0 < frequencyHz < fs/2. */
  constructor(sampleRate: number, channels: number, frequencyHz: number) {
    this.label = `mono below ${frequencyHz} Hz`;
    this.highpass = new BiquadCascade([lr2HighpassCoeffs(frequencyHz, sampleRate)]);
    this.allpass = new BiquadCascade([firstOrderAllpassCoeffs(frequencyHz, sampleRate)]);
    this.hpState = this.highpass.createState();
    this.apStates = Array.from({ length: channels - 1 }, () => this.allpass.createState());
  }

  process(block: Float64Array[], n: number): void {
    const [m, s] = block;
    encodeMidSide(m, s, n);
    this.highpass.process(s, this.hpState, n);
    this.allpass.process(m, this.apStates[0], n);
    for (let c = 2; c < block.length; c++) this.allpass.process(block[c], this.apStates[c - 1], n);
    decodeMidSide(m, s, n);
  }
}
