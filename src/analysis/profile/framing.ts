import { nextPowerOfTwo } from '../../dsp/fft.js';

// The long STFT's framing on its own (no analyzers imported), for code that needs only the frame size:
// the separator's worker thread measures stems at the profile's frame size and should not load the profile.

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
