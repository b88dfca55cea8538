import FFT from 'fft.js';
import { AmaError } from '../util/errors.js';

/** True when n is an integer power of two >= 2. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** Smallest power of two >= n (n >= 1); 2 for n <= 2. */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/**
 * Fixed-size radix-4 FFT (fft.js) over preallocated Float64Arrays. Complex data is interleaved
 * `[re0, im0, re1, im1, ...]`. No allocation per call; input and output must be different arrays.
 * Forward transform convention: X[k] = sum x[n] e^{-2 pi i k n / N}, no scaling.
 */
export class Fft {
  /** Transform length N in points, a power of two >= 4. */
  readonly size: number;
  private readonly impl: FFT;

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 4) {
      throw new AmaError('BAD_OPTION', `FFT size must be a power of two >= 4, got ${size}.`);
    }
    this.size = size;
    this.impl = new FFT(size);
  }

  /** Forward complex transform: input and output interleaved, length 2*size each. */
  forward(input: Float64Array, output: Float64Array): void {
    this.check(input, output, 2 * this.size);
    this.impl.transform(output, input);
  }

  /**
   * Forward transform of real input (length size). Output holds bins 0..size/2 interleaved in
   * its first size+2 entries (it must have length 2*size; the rest is scratch).
   */
  forwardReal(input: Float64Array, output: Float64Array): void {
    this.check(input, output, this.size);
    this.impl.realTransform(output, input);
  }

  /** Inverse complex transform, scaled by 1/size so that inverse(forward(x)) = x. */
  inverse(input: Float64Array, output: Float64Array): void {
    this.check(input, output, 2 * this.size);
    this.impl.inverseTransform(output, input);
  }

  private check(input: Float64Array, output: Float64Array, inputLength: number): void {
    if (input === output || input.length < inputLength || output.length < 2 * this.size) {
      throw new AmaError('INTERNAL', `FFT of size ${this.size} needs distinct buffers: input >= ${inputLength}, output >= ${2 * this.size} values.`);
    }
  }
}
