/**
 * Audio inside ama: planar Float32Array per channel, at the source's own sample rate, nominal
 * full scale +-1.0. Every source (file decoder, PortAudio capture, generator) yields blocks of this shape.
 */

/** One block of audio: one Float32Array per channel, all of the same length (frames). */
export type AudioBlock = Float32Array[];

/** Speaker position of a channel, used for BS.1770 channel weights (LFE is excluded from loudness). */
export type ChannelRole = 'L' | 'R' | 'C' | 'LFE' | 'Ls' | 'Rs' | 'Lb' | 'Rb' | 'other' | 'mono';

/** What is known about a stream before its samples are read. */
export interface AudioFormat {
  /** Codec as a short lowercase name: pcm_s16le, pcm_f32le, flac, mp3, vorbis, aac, ... */
  codec: string;
  /** Container: wav, rf64, aiff, aifc, flac, ogg, mp3, or what ffprobe reports. */
  container: string;
  /** Samples per second per channel, 8000..192000 for files ama accepts. */
  sampleRate: number;
  /** Channel count, 1..8. */
  channels: number;
  /** Duration in seconds when the header tells it, otherwise null (streams, some MP3s). */
  durationSec: number | null;
  /** Stored bits per sample for PCM formats, null for lossy codecs. */
  bitsPerSample: number | null;
  /** Speaker role of each channel, from the channel mask when the file carries one. */
  layout: ChannelRole[];
}

/** A readable stream of audio blocks, ended at end of file or when the signal aborts. */
export interface AudioSource {
  readonly format: AudioFormat;
  /** Blocks in order; the last one may be shorter. Throws AmaError on corrupt or truncated data. */
  blocks(signal?: AbortSignal): AsyncIterable<AudioBlock>;
}
