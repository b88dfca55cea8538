import type { RenderStage } from './stage.js';

/** Linear amplitude of a level change in dB. */
export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/**
 * Static per-channel gain: a master gain (the same on every channel), an L/R balance (different
 * on channels 0 and 1), or a mid/side gain when wrapped in a MidSideStage.
 */
export class GainStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames = 0;
  private readonly gains: Float64Array;

  /** `gainsDb[c]`: change of channel c in dB (finite). */
  constructor(gainsDb: readonly number[], label: string) {
    this.label = label;
    this.gains = Float64Array.from(gainsDb, dbToGain);
  }

  process(block: Float64Array[], n: number): void {
    for (let c = 0; c < this.gains.length; c++) {
      const g = this.gains[c], x = block[c];
      if (g === 1) continue;
      for (let i = 0; i < n; i++) x[i] *= g;
    }
  }
}

/**
 * Per-channel gains (dB) of an L/R balance change of `balanceDb` dB on `channels` channels:
 * positive moves the image right, left down and right up by half each; other channels unchanged.
 */
export function balanceGainsDb(balanceDb: number, channels: number): number[] {
  const g = new Array<number>(channels).fill(0);
  g[0] = -balanceDb / 2;
  if (channels > 1) g[1] = balanceDb / 2;
  return g;
}
