/**
 * The power response |H(f)|^2 of BS.1770's K-weighting (pre-filter high shelf times RLB high-pass),
 * evaluated analytically so that a frame's loudness can be read from its power spectrum. Each stage
 * is the analog prototype mapped by the bilinear transform with the stage frequency prewarped (as
 * the standard's 48 kHz coefficients are derived), so the digital magnitude at f equals the analog
 * one at Omega = tan(pi f / fs): this matches a time-domain K filter at any sample rate.
 */

// Stage parameters as recovered from the BS.1770 48 kHz coefficients (libebur128 / pyloudnorm).
const SHELF_HZ = 1681.974450955533;
const SHELF_Q = 0.7071752369554196;
const SHELF_GAIN_DB = 3.999843853973347;
const HIGHPASS_HZ = 38.13547087602444;
const HIGHPASS_Q = 0.5003270373238773;

/** K-weighting power gain at frequency f (Hz) for sample rate fs (Hz); 0 at DC, about 1.17 (+0.69 dB) at 1 kHz, 1.58 (+4 dB) above 5 kHz. */
export function kWeightingPower(freqHz: number, sampleRate: number): number {
  if (freqHz <= 0) return 0;
  if (freqHz >= sampleRate / 2) freqHz = sampleRate / 2 - 1e-9 * sampleRate;
  const omega = Math.tan((Math.PI * freqHz) / sampleRate);
  // High shelf: H(s) = (Vh s^2 + Vb (w0/Q) s + w0^2) / (s^2 + (w0/Q) s + w0^2).
  const vh = 10 ** (SHELF_GAIN_DB / 20);
  const vb = vh ** 0.4996667741545416;
  const w0 = Math.tan((Math.PI * SHELF_HZ) / sampleRate);
  const o2 = omega * omega;
  const shelfNumRe = w0 * w0 - vh * o2;
  const shelfNumIm = (vb * w0 * omega) / SHELF_Q;
  const shelfDenRe = w0 * w0 - o2;
  const shelfDenIm = (w0 * omega) / SHELF_Q;
  const shelf = (shelfNumRe ** 2 + shelfNumIm ** 2) / (shelfDenRe ** 2 + shelfDenIm ** 2);
  // High-pass: H(s) = g s^2 / (s^2 + (w1/Q) s + w1^2). The standard's digital filter keeps
  // b = [1, -2, 1] un-normalised, a passband gain g = 1 + w1/Q + w1^2 (+0.04 dB at 48 kHz) that the
  // -0.691 dB offset was calibrated with; meters (libebur128) keep it at every rate, so do we.
  const w1 = Math.tan((Math.PI * HIGHPASS_HZ) / sampleRate);
  const g = 1 + w1 / HIGHPASS_Q + w1 * w1;
  const hpDenRe = w1 * w1 - o2;
  const hpDenIm = (w1 * omega) / HIGHPASS_Q;
  const highpass = (g * g * o2 * o2) / (hpDenRe ** 2 + hpDenIm ** 2);
  return shelf * highpass;
}

/** Table of kWeightingPower at every FFT bin k * binHz, k = 0..bins-1. */
export function kWeightingPowerTable(bins: number, binHz: number, sampleRate: number): Float64Array {
  const t = new Float64Array(bins);
  for (let k = 0; k < bins; k++) t[k] = kWeightingPower(k * binHz, sampleRate);
  return t;
}

/** BS.1770 offset added to 10 log10 of the K-weighted channel power sum, dB (-0.691). */
export const LOUDNESS_OFFSET_DB = -0.691;
