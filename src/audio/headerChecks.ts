import { AmaError } from '../util/errors.js';

/** Sample rates ama accepts, in Hz. */
export const MIN_SAMPLE_RATE_HZ = 8000;
export const MAX_SAMPLE_RATE_HZ = 192000;
/** Channel counts ama accepts. */
export const MAX_CHANNELS = 8;

/** Throws BAD_FORMAT when a stream's channel count or rate is outside what ama analyses. */
export function checkChannelsAndRate(channels: number, sampleRateHz: number): void {
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw new AmaError(
      'BAD_FORMAT',
      `the file has ${channels} channels; ama reads 1 to ${MAX_CHANNELS}: ` +
        'downmix or split it first (e.g. ffmpeg -i in -ac 2 out.wav)',
    );
  }
  if (!(sampleRateHz >= MIN_SAMPLE_RATE_HZ && sampleRateHz <= MAX_SAMPLE_RATE_HZ)) {
    throw new AmaError(
      'BAD_FORMAT',
      `the sample rate is ${sampleRateHz} Hz; ama reads ${MIN_SAMPLE_RATE_HZ} to ${MAX_SAMPLE_RATE_HZ} Hz: ` +
        'resample it first (e.g. ffmpeg -i in -ar 48000 out.wav)',
    );
  }
}

/** TRUNCATED for an audio chunk that declares more bytes than the file holds, in seconds both ways. */
export function truncatedDataError(declaredBytes: number, presentBytes: number, frameBytes: number, sampleRateHz: number): AmaError {
  const declaredSec = Math.floor(declaredBytes / frameBytes) / sampleRateHz;
  const presentSec = Math.floor(Math.max(0, presentBytes) / frameBytes) / sampleRateHz;
  return new AmaError(
    'TRUNCATED',
    `the header declares ${declaredSec.toFixed(2)} s of audio but the file holds only ${presentSec.toFixed(2)} s; ` +
      'it was cut off while copying or recording: copy or export it again',
  );
}

/** UNSUPPORTED_CODEC for a codec inside WAV/AIFF that ama does not decode itself and ffmpeg is absent. */
export function foreignCodecError(codecLabel: string): AmaError {
  return new AmaError(
    'UNSUPPORTED_CODEC',
    `the audio is stored as ${codecLabel}, which ama does not decode itself; install ffmpeg ` +
      '(apt install ffmpeg, brew install ffmpeg, or from ffmpeg.org) so ama can read it, ' +
      'or convert it to PCM (ffmpeg -i in -c:a pcm_s24le out.wav)',
  );
}
