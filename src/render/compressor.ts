import { BandSplitter } from '../dsp/linkwitzRiley.js';
import { dbToGain } from './gain.js';
import type { RenderStage } from './stage.js';

/**
 * Feed-forward compressor, linked over every channel of its block, optionally on one LR4 band.
 *
 * Detector: 'peak' (default) reads |x| per sample, so the threshold applies to the sample peak (the
 * level the dynamics agent designs against); 'rms' is the mean square of each channel through a
 * one-pole average of time constant rmsWindowMs (5 ms), so a sine reads its RMS level (peak - 3.01
 * dB; 0 dBFS RMS is a full-scale square wave). The level is the loudest channel's, in dBFS. Gain computer: the soft-knee curve of Giannoulis, Massberg & Reiss (JAES
 * 2012), quadratic over kneeDb centred on the threshold. The gain reduction (dB) is then smoothed:
 * - rms: one pole per direction, rising with time constant attackMs and falling with releaseMs
 *   (each the 63% point of a step in dB, plus the few ms the RMS average takes to follow a step);
 * - peak: their "smooth decoupled" detector, which holds the per-sample reduction of each peak
 *   (falling with releaseMs) and smooths that with attackMs, so a steady sine reads its peak and
 *   does not ripple between peaks; a release then follows releaseMs and attackMs in series
 *   (63% after about releaseMs + 0.7 attackMs when attack is much shorter than release).
 * Make-up gain is added last.
 *
 * Band mode (lowHz and/or highHz): each channel is split by BandSplitter, the detector hears the
 * band only, and the output is AP(x) + (g - 1) band: only the band is compressed (make-up included),
 * and with no gain reduction and 0 dB make-up the output is the all-passed input, flat in magnitude.
 */

/** Level detector of the compressor. */
export type DetectorMode = 'rms' | 'peak';

/** Compressor settings, units in the names (the `compressor` params of src/suggest/types.ts, plus the detector). */
export interface CompressorSettings {
  /** Threshold, dBFS of the detector level. */
  thresholdDb: number;
  /** Ratio >= 1 (input dB over threshold per output dB). */
  ratio: number;
  /** Attack time constant, ms (>= 0; 0 is instant). */
  attackMs: number;
  /** Release time constant, ms (>= 0). */
  releaseMs: number;
  /** Knee width, dB (>= 0; 0 is a hard knee). */
  kneeDb: number;
  /** Make-up gain, dB. */
  makeupDb: number;
  /** Lower band edge, Hz (LR4); absent: from DC. */
  lowHz?: number;
  /** Upper band edge, Hz (LR4); absent: to Nyquist. */
  highHz?: number;
  /** Detector; default 'peak'. */
  detector?: DetectorMode;
  /** RMS averaging time constant, ms (> 0); default 5. */
  rmsWindowMs?: number;
}

/** Static curve: gain change in dB (<= 0) at a detector level of `levelDb` dBFS. */
export function compressorGainDb(levelDb: number, thresholdDb: number, ratio: number, kneeDb: number): number {
  const over = levelDb - thresholdDb;
  const slope = 1 / ratio - 1;
  if (2 * over <= -kneeDb) return 0;
  if (2 * over < kneeDb) return (slope * (over + kneeDb / 2) ** 2) / (2 * kneeDb);
  return slope * over;
}

/** One-pole smoothing coefficient for a time constant of `ms` milliseconds at `sampleRate` Hz (1 when ms is 0). */
export function onePoleCoeff(ms: number, sampleRate: number): number {
  return ms > 0 ? 1 - Math.exp(-1000 / (ms * sampleRate)) : 1;
}

const DB_PER_NEPER_POWER = 10 / Math.LN10;
const NEPER_PER_DB_AMPLITUDE = Math.LN10 / 20;

/** The compressor as a render stage, linked over all `channels` channels of its blocks. */
export class CompressorStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames = 0;
  private readonly s: Required<Omit<CompressorSettings, 'lowHz' | 'highHz'>>;
  private readonly split: BandSplitter | null;
  private readonly splitStates: Float64Array[];
  private readonly kAttack: number;
  private readonly kRelease: number;
  private readonly kRms: number;
  private readonly kneeStartPower: number;
  private readonly makeup: number;
  private readonly ms: Float64Array;
  private bands: Float64Array[];
  private level = new Float64Array(0);
  private gain = new Float64Array(0);
  private reductionDb = 0;
  private heldDb = 0;

  /** At `sampleRate` Hz for `channels` channels (1..8). Settings are assumed valid (see src/render/plan.ts). */
  constructor(sampleRate: number, channels: number, settings: CompressorSettings) {
    this.s = { ...settings, detector: settings.detector ?? 'peak', rmsWindowMs: settings.rmsWindowMs ?? 5 };
    const { thresholdDb, ratio, kneeDb, lowHz, highHz } = settings;
    const banded = lowHz !== undefined || highHz !== undefined;
    this.split = banded ? new BandSplitter(sampleRate, lowHz ?? null, highHz ?? null) : null;
    this.splitStates = this.split ? Array.from({ length: channels }, () => (this.split as BandSplitter).createState()) : [];
    this.bands = Array.from({ length: banded ? channels : 0 }, () => new Float64Array(0));
    this.kAttack = onePoleCoeff(settings.attackMs, sampleRate);
    this.kRelease = onePoleCoeff(settings.releaseMs, sampleRate);
    this.kRms = onePoleCoeff(this.s.rmsWindowMs, sampleRate);
    this.kneeStartPower = 10 ** ((thresholdDb - kneeDb / 2) / 10);
    this.makeup = dbToGain(settings.makeupDb);
    this.ms = new Float64Array(channels);
    const band = banded ? ` on ${this.split?.lowHz ?? 0}..${this.split?.highHz ?? sampleRate / 2} Hz` : '';
    this.label = `compressor ${thresholdDb} dB ${ratio}:1${band}`;
  }

  /** Gain reduction at the end of the last block, dB (>= 0), for meters. */
  get gainReductionDb(): number {
    return this.reductionDb;
  }

  process(block: Float64Array[], n: number): void {
    if (this.level.length < n) {
      this.level = new Float64Array(n);
      this.gain = new Float64Array(n);
      this.bands = this.bands.map(() => new Float64Array(n));
    }
    const channels = this.ms.length;
    let src = block;
    if (this.split) {
      for (let c = 0; c < channels; c++) this.split.process(block[c], this.bands[c], this.splitStates[c], n);
      src = this.bands;
    }
    this.detect(src, n);
    this.computeGain(n);
    const gain = this.gain;
    for (let c = 0; c < channels; c++) {
      const x = block[c];
      if (this.split) {
        const b = this.bands[c];
        for (let i = 0; i < n; i++) x[i] += (gain[i] - 1) * b[i];
      } else {
        for (let i = 0; i < n; i++) x[i] *= gain[i];
      }
    }
  }

  /** level[i]: the loudest channel's detector power (mean square or squared sample), full scale^2. */
  private detect(src: Float64Array[], n: number): void {
    const level = this.level, k = this.kRms;
    for (let c = 0; c < src.length; c++) {
      const x = src[c];
      if (this.s.detector === 'peak') {
        if (c === 0) for (let i = 0; i < n; i++) level[i] = x[i] * x[i];
        else for (let i = 0; i < n; i++) level[i] = Math.max(level[i], x[i] * x[i]);
        continue;
      }
      let ms = this.ms[c];
      if (c === 0) for (let i = 0; i < n; i++) level[i] = ms += k * (x[i] * x[i] - ms);
      else for (let i = 0; i < n; i++) level[i] = Math.max(level[i], (ms += k * (x[i] * x[i] - ms)));
      this.ms[c] = ms < 1e-30 ? 0 : ms;
    }
  }

  /** gain[i]: linear gain from the static curve, smoothed in dB, with make-up. */
  private computeGain(n: number): void {
    const { thresholdDb, ratio, kneeDb } = this.s;
    const level = this.level, gain = this.gain, kA = this.kAttack, kR = this.kRelease;
    const start = this.kneeStartPower, makeup = this.makeup;
    const peak = this.s.detector === 'peak';
    let red = this.reductionDb, held = this.heldDb;
    for (let i = 0; i < n; i++) {
      const p = level[i];
      const target = p > start ? -compressorGainDb(DB_PER_NEPER_POWER * Math.log(p), thresholdDb, ratio, kneeDb) : 0;
      if (peak) {
        held += kR * (target - held);
        if (target > held) held = target;
        red += kA * (held - red);
      } else {
        red += (target > red ? kA : kR) * (target - red);
      }
      if (red < 1e-9) red = 0;
      gain[i] = red === 0 ? makeup : makeup * Math.exp(-NEPER_PER_DB_AMPLITUDE * red);
    }
    this.reductionDb = red;
    this.heldDb = held < 1e-9 ? 0 : held;
  }
}
