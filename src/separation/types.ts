/**
 * The source-separation contract every backend follows (dsp, htdemucs, umx).
 *
 * Audio in and out is planar Float32Array per channel at the caller's own sample rate; a backend
 * with a fixed model rate resamples internally and returns stems at the input rate and length.
 * Stems are ordered and named the same everywhere (files, features, agents, the feed).
 */

/** The four stems ama separates, in the order files, features and messages use. */
export const STEM_NAMES = ['vocals', 'drums', 'bass', 'other'] as const;
export type StemName = (typeof STEM_NAMES)[number];

/** Backends ama knows. `dsp` is built in and always available. */
export const SEPARATOR_IDS = ['dsp', 'htdemucs', 'umx'] as const;
export type SeparatorId = (typeof SEPARATOR_IDS)[number];

/** Separated stems: per stem, planar channels of the input's rate and length. */
export interface StemSet {
  sampleRate: number;
  stems: Record<StemName, Float32Array[]>;
}

/** Per-call options. */
export interface SeparateOptions {
  /** Aborts the work; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Progress of this call, 0..1. */
  onProgress?: (fraction: number) => void;
}

/** One separator; inference runs off the main thread where it is heavy. */
export interface SourceSeparator {
  readonly id: SeparatorId;
  /** Separates planar audio (1 or 2 channels) at `sampleRate`; stems come back at the same rate and length. */
  separate(channels: readonly Float32Array[], sampleRate: number, options?: SeparateOptions): Promise<StemSet>;
  /** Releases workers and sessions; idempotent. */
  close(): Promise<void>;
}
