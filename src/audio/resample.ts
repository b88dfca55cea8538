import { AmaError, errorMessage } from '../util/errors.js';

/**
 * Sample-rate conversion of whole planar buffers with libsamplerate (its WebAssembly build,
 * @alexanderolsen/libsamplerate-js: the reference band-limited sinc converter, no native build, no
 * network at install). The only importer of that package; loaded on first use.
 */

type SrcModule = typeof import('@alexanderolsen/libsamplerate-js');

let loaded: Promise<SrcModule> | null = null;

function load(): Promise<SrcModule> {
  loaded ??= import('@alexanderolsen/libsamplerate-js').then((m) => ((m as { create?: unknown }).create ? m : (m as unknown as { default: SrcModule }).default));
  return loaded;
}

/** Converter quality: libsamplerate's sinc converters (best ~145 dB SNR, medium ~121 dB, fastest ~97 dB). */
export type ResampleQuality = 'best' | 'medium' | 'fastest';

/** Output length for `frames` input frames converted from `fromHz` to `toHz`, frames. */
export function resampledLength(frames: number, fromHz: number, toHz: number): number {
  return Math.round((frames * toHz) / fromHz);
}

/**
 * Converts each channel from `fromHz` to `toHz`; returns new arrays of exactly
 * resampledLength(...) frames, aligned with the input (no delay). The same rate returns copies.
 */
export async function resample(channels: readonly Float32Array[], fromHz: number, toHz: number, quality: ResampleQuality = 'medium'): Promise<Float32Array[]> {
  if (!(fromHz >= 1 && fromHz <= 192_000) || !(toHz >= 1 && toHz <= 192_000) || toHz / fromHz > 256 || fromHz / toHz > 256) {
    throw new AmaError('BAD_OPTION', `Cannot resample from ${fromHz} Hz to ${toHz} Hz: both rates must be 1-192000 Hz and within a factor 256 of each other.`);
  }
  if (fromHz === toHz) return channels.map((c) => c.slice());
  const mod = await load();
  const type = quality === 'best' ? mod.ConverterType.SRC_SINC_BEST_QUALITY : quality === 'medium' ? mod.ConverterType.SRC_SINC_MEDIUM_QUALITY : mod.ConverterType.SRC_SINC_FASTEST;
  const out: Float32Array[] = [];
  for (const c of channels) {
    // One converter per channel: past ~1M samples the library streams the input through its
    // stateful converter in chunks, so a converter shared by two channels would carry the first
    // channel's filter state into the second.
    let src: Awaited<ReturnType<SrcModule['create']>>;
    try {
      src = await mod.create(1, fromHz, toHz, { converterType: type });
    } catch (err) {
      throw new AmaError('INTERNAL', `The resampler could not start: ${errorMessage(err)}`, { cause: err });
    }
    try {
      const want = resampledLength(c.length, fromHz, toHz);
      // The library reads long inputs through `.buffer` from offset 0: hand it an array of its own.
      const input = c.byteOffset === 0 && c.buffer.byteLength === c.byteLength ? c : c.slice();
      const y = c.length === 0 ? new Float32Array(0) : src.simple(input);
      if (y.length === want) out.push(y);
      else {
        // libsamplerate may end a frame short or long of the rounded length: trim or pad with zeros.
        const fixed = new Float32Array(want);
        fixed.set(y.subarray(0, Math.min(want, y.length)));
        out.push(fixed);
      }
    } finally {
      src.destroy();
    }
  }
  return out;
}
