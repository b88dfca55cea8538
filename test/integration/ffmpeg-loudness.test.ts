import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ama, run, skipWithout } from '../helpers/cli.js';

// Real music that nobody here wrote (Debian's wesnoth-1.16-music, Ogg Vorbis 44.1 kHz stereo),
// measured by ama and by ffmpeg's ebur128 filter (an independent BS.1770 implementation).
const MUSIC_DIR = '/usr/share/games/wesnoth/1.16/data/core/music';
const TRACKS = ['battle.ogg', 'elvish-theme.ogg', 'loyalists.ogg', 'knolls.ogg'];

/** Integrated loudness and LRA from ffmpeg's 3-decimal frame metadata (the last frame holds the totals). */
async function ffmpegLoudness(file: string): Promise<{ I: number; LRA: number }> {
  const r = await run('ffmpeg', ['-nostats', '-hide_banner', '-i', file, '-af', 'ebur128=metadata=1,ametadata=mode=print:file=-', '-f', 'null', '-']);
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr.slice(-500)}`);
  const grab = (key: string) => {
    const all = [...r.stdout.matchAll(new RegExp(`lavfi\\.r128\\.${key}=(-?[0-9.]+)`, 'g'))];
    return Number(all[all.length - 1][1]);
  };
  return { I: grab('I'), LRA: grab('LRA') };
}

const present = TRACKS.map((t) => `${MUSIC_DIR}/${t}`).filter((f) => fs.existsSync(f));
const skip = await skipWithout('ffmpeg');
if (!skip && present.length < 2 && process.env.CI === 'true') throw new Error('CI needs wesnoth-1.16-music: run scripts/install-system-deps.sh');

describe.skipIf(skip || present.length < 2)('loudness of real music agrees with ffmpeg ebur128', () => {
  it('integrated loudness and LRA within 0.1 LU on every track', async () => {
    const r = await ama(['analyze', '--json', ...present]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as Array<{ file: string; loudness: { integratedLufs: number; loudnessRangeLu: number } }>;
    expect(results).toHaveLength(present.length);
    for (const res of results) {
      const ref = await ffmpegLoudness(res.file);
      console.log(`${res.file}: I ama ${res.loudness.integratedLufs.toFixed(3)} ffmpeg ${ref.I.toFixed(3)}; LRA ama ${res.loudness.loudnessRangeLu.toFixed(3)} ffmpeg ${ref.LRA.toFixed(3)}`);
      expect(Math.abs(res.loudness.integratedLufs - ref.I), `${res.file} I ama ${res.loudness.integratedLufs} ffmpeg ${ref.I}`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(res.loudness.loudnessRangeLu - ref.LRA), `${res.file} LRA ama ${res.loudness.loudnessRangeLu} ffmpeg ${ref.LRA}`).toBeLessThanOrEqual(0.1);
    }
  });
});
