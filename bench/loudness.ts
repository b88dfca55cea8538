import { AMA_BIN, heading, medianTiming, timeCommand } from './common.js';
import { benchProgramme } from './material.js';

/**
 * `ama analyze` against ffmpeg's ebur128 filter with true peak on the same 10-minute 48 kHz stereo
 * file, and ama's peak RSS on a 60-minute file (streaming keeps it flat).
 */
export async function benchLoudness(): Promise<void> {
  heading('loudness: ama analyze vs ffmpeg -af ebur128=peak=true (10 min, 48 kHz stereo, 16-bit WAV)');
  const file = await benchProgramme(10);
  const runs = 3;
  const ama = await medianTiming(runs, () => timeCommand(process.execPath, [AMA_BIN, 'analyze', '--json', file], { AMA_STATS: '1' }));
  const ff = await medianTiming(runs, () =>
    timeCommand('ffmpeg', ['-nostats', '-hide_banner', '-nostdin', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']),
  );
  const r = JSON.parse(ama.stdout)[0].loudness as { integratedLufs: number; truePeakDbtp: number };
  console.log(`ama    ${ama.wallSec.toFixed(2)} s wall (median of ${runs}), peak RSS ${ama.maxRssMb?.toFixed(0)} MB, I ${r.integratedLufs.toFixed(2)} LUFS, TP ${r.truePeakDbtp.toFixed(2)} dBTP`);
  console.log(`ffmpeg ${ff.wallSec.toFixed(2)} s wall (median of ${runs})`);
  console.log(`ratio  ama/ffmpeg wall time = ${(ama.wallSec / ff.wallSec).toFixed(2)} (below 1.00: ama is faster)`);

  heading('loudness: streaming memory on a 60-minute 48 kHz stereo WAV');
  const long = await benchProgramme(60);
  const t = await timeCommand(process.execPath, [AMA_BIN, 'analyze', '--json', long], { AMA_STATS: '1' });
  console.log(`ama    ${t.wallSec.toFixed(2)} s wall, peak RSS ${t.maxRssMb?.toFixed(0)} MB (target under 300 MB)`);
}
