import path from 'node:path';
import { AMA_BIN, heading, interleavedMedians, ROOT, timeCommand, type Timing } from './common.js';
import { benchProgramme } from './material.js';

const LOUDNESS_ONLY = path.join(ROOT, 'dist/bench/loudnessOnly.js');

/** One line of figures: wall time, and CPU time and peak RSS where the process reports them. */
function line(label: string, t: Timing, note = ''): string {
  const cpu = t.cpuSec === null ? '' : `, ${t.cpuSec.toFixed(2)} s CPU`;
  const rss = t.maxRssMb === null ? '' : `, peak RSS ${t.maxRssMb.toFixed(0)} MB`;
  return `${label.padEnd(15)}${t.wallSec.toFixed(2)} s wall${cpu}${rss}${note}`;
}

/**
 * `ama analyze --json` (loudness and the full mix profile) against ffmpeg's ebur128 filter with true
 * peak on the same 10-minute 48 kHz stereo file, with loudness alone (bench/loudnessOnly.ts) for
 * scale; then ama's peak RSS on a 60-minute file (streaming keeps it flat).
 */
export async function benchLoudness(): Promise<void> {
  const runs = 5;
  heading(`analyze: ama analyze --json (loudness + profile) vs ffmpeg -af ebur128=peak=true, 10 min 48 kHz stereo 16-bit WAV, median of ${runs}`);
  const file = await benchProgramme(10);
  await timeCommand(process.execPath, [LOUDNESS_ONLY, file]); // warms the page cache
  const [ama, ff, loudnessOnly] = await interleavedMedians(runs, [
    () => timeCommand(process.execPath, [AMA_BIN, 'analyze', '--json', file], { AMA_STATS: '1' }),
    () => timeCommand('ffmpeg', ['-nostats', '-hide_banner', '-nostdin', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']),
    () => timeCommand(process.execPath, [LOUDNESS_ONLY, file]),
  ]);
  const r = JSON.parse(ama.stdout)[0] as { loudness: { integratedLufs: number; truePeakDbtp: number }; profile?: unknown };
  if (!r.profile) throw new Error('ama analyze --json gave no profile: the benchmark would not measure it');
  console.log(line('ama analyze', ama, ` (I ${r.loudness.integratedLufs.toFixed(2)} LUFS, TP ${r.loudness.truePeakDbtp.toFixed(2)} dBTP)`));
  console.log(line('ffmpeg ebur128', ff));
  console.log(`ratio          ama/ffmpeg wall time = ${(ama.wallSec / ff.wallSec).toFixed(2)} (below 1.00: ama is faster)`);
  console.log(line('loudness only', loudnessOnly, ' (ama without the profile)'));

  heading('streaming memory: ama analyze --json on a 60-minute 48 kHz stereo WAV');
  const long = await benchProgramme(60);
  const t = await timeCommand(process.execPath, [AMA_BIN, 'analyze', '--json', long], { AMA_STATS: '1' });
  console.log(line('ama analyze', t, ' (target under 300 MB)'));
}
