import { execFile, spawn } from 'node:child_process';
import { AmaError } from '../util/errors.js';
import type { FfmpegTools } from './ffmpegTools.js';
import { needsFfmpegError } from './ffmpegTools.js';
import { checkChannelsAndRate } from './headerChecks.js';
import { defaultLayout } from './layout.js';
import { Reblocker } from './reblock.js';
import type { AudioBlock, AudioFormat, AudioSource } from './types.js';

/** Bytes of ffmpeg's stdout gathered before they are planarised. */
const STAGING_BYTES = 1024 * 1024;
/** ffprobe's AVPROBE_SCORE_RETRY: at or below it, ffmpeg warns "misdetection possible". */
const MISDETECTION_SCORE = 25;
/** Characters of ffmpeg's stderr kept for the error message. */
const STDERR_KEEP = 8192;

interface ProbeStream {
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  bits_per_sample?: number;
  bits_per_raw_sample?: string;
  duration?: string;
}
interface ProbeResult {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; probe_score?: number };
}

/**
 * Asks ffprobe for the first audio stream's format. `what` names the container for messages. Throws
 * NOT_AUDIO when ffprobe finds no audio stream (or cannot parse a file ama did not recognise either),
 * DECODE_FAILED when it fails on a container ama recognised.
 */
export async function probeWithFfmpeg(tools: FfmpegTools, path: string, what: string | null): Promise<AudioFormat> {
  // Warnings on: "Estimating duration from bitrate" is how ffprobe says the duration is a guess.
  const args = ['-v', 'warning', '-select_streams', 'a:0', '-show_entries',
    'stream=codec_name,sample_rate,channels,bits_per_sample,bits_per_raw_sample,duration:format=format_name,duration,probe_score',
    '-of', 'json', path];
  const { code, stdout, stderr, spawnError } = await run(tools.ffprobe, args);
  if (spawnError) throw needsFfmpegError(what ? `a ${what}` : 'an unrecognised');
  if (code !== 0) {
    if (what === null) throw notAudio(`ffprobe does not recognise it either (${lastLine(stderr) || 'no details'})`);
    throw new AmaError('DECODE_FAILED', `ffprobe could not read this ${what} file: ${lastLine(stderr) || `exit code ${code}`}; the file may be damaged: export it again`);
  }
  let parsed: ProbeResult;
  try {
    parsed = JSON.parse(stdout) as ProbeResult;
  } catch (err) {
    throw new AmaError('INTERNAL', `ffprobe printed something that is not JSON (${stdout.slice(0, 60)}); check the ffprobe install`, { cause: err });
  }
  const stream = parsed.streams?.[0];
  const container = parsed.format?.format_name ?? 'unknown';
  if (!stream) throw notAudio(`ffprobe finds no audio stream in it (container: ${container})`);
  // ffmpeg itself calls a detection at this score or below a possible misdetection.
  const score = parsed.format?.probe_score ?? 100;
  if (what === null && score <= MISDETECTION_SCORE) {
    throw notAudio(`ffprobe only guesses at it (${container}, probe score ${score} of 100)`);
  }
  const sampleRate = Number(stream.sample_rate ?? 0);
  const channels = stream.channels ?? 0;
  if (channels === 0 || sampleRate === 0) {
    throw new AmaError('CORRUPT_HEADER', `ffprobe reports ${channels} channels at ${sampleRate} Hz; the header is damaged: export the file again`);
  }
  checkChannelsAndRate(channels, sampleRate);
  const codec = stream.codec_name ?? 'unknown';
  const guessed = stderr.includes('Estimating duration from bitrate');
  const duration = guessed ? NaN : parseFloat(stream.duration ?? parsed.format?.duration ?? '');
  const rawBits = Number(stream.bits_per_raw_sample ?? 0);
  const bitsPerSample = codec.startsWith('pcm_') ? stream.bits_per_sample || null : rawBits > 0 ? rawBits : null;
  return { codec, container, sampleRate, channels, durationSec: Number.isFinite(duration) ? duration : null, bitsPerSample, layout: defaultLayout(channels) };
}

/** An AudioSource that streams a file through `ffmpeg ... -f f32le -` and planarises its stdout. */
export class FfmpegSource implements AudioSource {
  /** Problems ffmpeg reported in the latest blocks() run while it went on decoding (damaged frames it skipped). */
  readonly warnings: string[] = [];

  constructor(
    readonly format: AudioFormat,
    private readonly path: string,
    private readonly tools: FfmpegTools,
  ) {}

  async *blocks(signal?: AbortSignal): AsyncGenerator<AudioBlock> {
    const { channels, sampleRate } = this.format;
    this.warnings.length = 0;
    const args = ['-nostdin', '-hide_banner', '-v', 'error', '-i', this.path, '-map', '0:a:0', '-vn',
      '-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', String(channels), '-ar', String(sampleRate), '-'];
    const child = spawn(this.tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_KEEP);
    });
    let spawnError: Error | null = null;
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', (err) => {
        spawnError = err;
        resolve(null);
      });
      child.once('close', (code) => resolve(code));
    });
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', kill, { once: true });
    const frameBytes = channels * 4;
    const staging = Buffer.allocUnsafeSlow(STAGING_BYTES - (STAGING_BYTES % frameBytes));
    const reblocker = new Reblocker(channels);
    let fill = 0;
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        for (let used = 0; used < chunk.length; ) {
          const n = Math.min(chunk.length - used, staging.length - fill);
          chunk.copy(staging, fill, used, used + n);
          fill += n;
          used += n;
          // Whole frames go on; a frame split across chunks waits at the start of the staging buffer.
          const frames = Math.floor(fill / frameBytes);
          if (frames === 0) continue;
          reblocker.pushInterleaved(new Float32Array(staging.buffer, staging.byteOffset, frames * channels), frames);
          staging.copy(staging, 0, frames * frameBytes, fill);
          fill -= frames * frameBytes;
        }
        for (const block of reblocker.take()) {
          if (signal?.aborted) return;
          yield block;
        }
      }
      if (signal?.aborted) return;
      const code = await exited;
      if (spawnError) throw needsFfmpegError(`a ${this.format.container}`);
      if (code !== 0) {
        throw new AmaError('DECODE_FAILED', `ffmpeg could not decode it: ${lastLine(stderr) || `exit code ${code}`}; the file may be damaged: export it again`);
      }
      if (stderr.trim()) this.warnings.push(...stderr.trim().split('\n').slice(-20));
      reblocker.finish();
      for (const block of reblocker.take()) yield block;
    } finally {
      signal?.removeEventListener('abort', kill);
      kill();
    }
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; spawnError: Error | null }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const errno = (err as NodeJS.ErrnoException | null)?.code;
      const spawnError = errno === 'ENOENT' || errno === 'EACCES' ? (err as Error) : null;
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, spawnError });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

function notAudio(why: string): AmaError {
  return new AmaError('NOT_AUDIO', `not an audio file: ${why}; give a WAV, AIFF, FLAC, MP3, Ogg or other audio file`);
}
