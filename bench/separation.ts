import fs from 'node:fs';
import path from 'node:path';
import { heading, medianTiming, ROOT, timeCommand } from './common.js';
import { modelsDir } from '../src/separation/onnx/manifest.js';
import { benchProgramme } from './material.js';

const SEPARATE_ONLY = path.join(ROOT, 'dist/bench/separateOnly.js');

/**
 * Separators on the same 3-minute 48 kHz stereo programme, one process per run (median of 3):
 * real-time factor (audio seconds per second of separation, decoding excluded), the whole run's CPU
 * time and peak RSS. Pinned to two cores with taskset where it exists, as on the reference
 * machines. Parameterised by separator id: `node dist/bench/run.js separation dsp htdemucs`.
 */
export async function benchSeparation(ids: readonly string[] = ['dsp']): Promise<void> {
  // By default: dsp, and htdemucs too when its model is installed (ama models install htdemucs).
  if (ids.length === 0) ids = fs.existsSync(path.join(modelsDir(), 'htdemucs.onnx')) ? ['dsp', 'htdemucs'] : ['dsp'];
  const file = await benchProgramme(3);
  const pin = fs.existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', ['-c', '0,1']] as const : null;
  heading(`separation: 3 min 48 kHz stereo, ${pin ? 'pinned to cores 0-1 (taskset)' : 'all cores'}, median of 3 (targets: dsp at least 20x real time; htdemucs at least 1x, i.e. RTF <= 1.0, peak RSS < 1.5 GB)`);
  for (const id of ids) {
    const args = [SEPARATE_ONLY, file, id];
    const run = () => (pin ? timeCommand(pin[0], [...pin[1], process.execPath, ...args]) : timeCommand(process.execPath, args));
    // timeCommand reads ama-stats from stderr; taskset passes the child's stderr through.
    const t = await medianTiming(3, run);
    const r = JSON.parse(t.stdout) as { separator: string; notice: string | null; seconds: number; decodeSec: number; separateSec: number; workerPeakRssMb: number | null; workerCpuSec: number | null; peakTogetherMb: number | null };
    const rtf = r.seconds / r.separateSec;
    const ran = r.separator === id ? id : `${id} (fell back to ${r.separator}: ${r.notice})`;
    // ONNX models run in a worker process: CPU adds up; the RSS line gives both peaks and their sum
    // (an upper bound of the two processes' memory at any one time).
    const cpu = (t.cpuSec ?? 0) + (r.workerCpuSec ?? 0);
    const together = r.peakTogetherMb === null ? '' : `; both at once, sampled every 20 ms: ${r.peakTogetherMb.toFixed(0)} MB`;
    const rss = r.workerPeakRssMb === null
      ? `peak RSS ${t.maxRssMb?.toFixed(0)} MB`
      : `peak RSS ama ${t.maxRssMb?.toFixed(0)} MB + model worker ${r.workerPeakRssMb.toFixed(0)} MB = ${((t.maxRssMb ?? 0) + r.workerPeakRssMb).toFixed(0)} MB${together}`;
    console.log(`${ran.padEnd(10)} ${rtf.toFixed(1).padStart(6)}x real time (${r.separateSec.toFixed(2)} s for ${r.seconds.toFixed(0)} s of audio; decode ${r.decodeSec.toFixed(2)} s), RTF ${(1 / rtf).toFixed(2)}, whole run ${t.wallSec.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU, ${rss}`);
  }
}
