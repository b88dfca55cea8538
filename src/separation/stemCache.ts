import fs from 'node:fs';
import path from 'node:path';
import { openAudioFile } from '../audio/decode.js';
import { cacheDir } from '../util/paths.js';
import { DSP_ENGINE_VERSION } from './dspEngine.js';
import { stemFeatures } from './features.js';
import { STEM_FEATURES_VERSION, StemsProfileSchema, type StemsProfile } from './stemSchema.js';
import type { SeparateOptions, SourceSeparator, StemSet } from './types.js';

/** A whole file decoded into planar channels (at most two: wider layouts keep their front L and R). */
export async function readWholeFile(file: string, signal?: AbortSignal): Promise<{ channels: Float32Array[]; sampleRate: number; droppedChannels: number }> {
  const source = await openAudioFile(file);
  const keep = Math.min(2, source.format.channels);
  const parts: Float32Array[][] = Array.from({ length: keep }, () => []);
  let frames = 0;
  for await (const block of source.blocks(signal)) {
    for (let c = 0; c < keep; c++) parts[c].push(Float32Array.from(block[c]));
    frames += block[0]?.length ?? 0;
  }
  const channels = parts.map((p) => {
    const out = new Float32Array(frames);
    let at = 0;
    for (const x of p) { out.set(x, at); at += x.length; }
    return out;
  });
  return { channels, sampleRate: source.format.sampleRate, droppedChannels: source.format.channels - keep };
}

/** Where the stem figures of content with this hash, separated by `id`, are cached. */
export function stemCachePath(sha256: string, id: string): string {
  const engine = id === 'dsp' ? DSP_ENGINE_VERSION : id;
  return path.join(cacheDir(), 'stems', `${sha256}.${engine}.features-${STEM_FEATURES_VERSION}.json`);
}

/** Separates a whole file and returns the audio, the stems and their figures (nothing is cached). */
export async function separateFile(file: string, separator: SourceSeparator, options: SeparateOptions = {}): Promise<{ mix: Float32Array[]; stems: StemSet; features: StemsProfile }> {
  const { channels, sampleRate } = await readWholeFile(file, options.signal);
  const stems = await separator.separate(channels, sampleRate, options);
  return { mix: channels, stems, features: stemFeatures(channels, stems, separator.id) };
}

/**
 * The per-stem figures of a file, from the cache when the same content was separated by the same
 * separator (and figure version) before; otherwise the file is decoded, separated and measured, and
 * the figures cached. References are thus separated once, offline. A damaged entry is redone.
 */
export async function stemFeaturesCached(file: string, sha256: string, separator: SourceSeparator, options: SeparateOptions = {}): Promise<{ features: StemsProfile; cached: boolean }> {
  const where = stemCachePath(sha256, separator.id);
  try {
    const hit = StemsProfileSchema.safeParse(JSON.parse(fs.readFileSync(where, 'utf8')));
    if (hit.success && hit.data.separator === separator.id) return { features: hit.data, cached: true };
  } catch {
    // missing or damaged: separate again
  }
  const { features } = await separateFile(file, separator, options);
  try {
    fs.mkdirSync(path.dirname(where), { recursive: true });
    const tmp = `${where}.${process.pid}.part`;
    fs.writeFileSync(tmp, JSON.stringify(features));
    fs.renameSync(tmp, where);
  } catch {
    // a read-only cache costs only time next run
  }
  return { features, cached: false };
}
