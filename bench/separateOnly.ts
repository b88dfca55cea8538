import fs from 'node:fs';
import { openSeparator, parseSeparatorId } from '../src/separation/index.js';
import type { OnnxSourceSeparator } from '../src/separation/onnx/index.js';
import { readWholeFile } from '../src/separation/stemCache.js';
import { writeStats } from './common.js';

// Bench-only: decodes FILE, separates it with SEPARATOR once, and prints { seconds, decodeSec,
// separateSec, separator, notice, workerPeakRssMb, workerCpuSec } as JSON, then the ama-stats line (peak RSS, CPU) that timeCommand reads.
const [file, id = 'dsp'] = process.argv.slice(2);
if (!file) throw new Error('usage: node dist/bench/separateOnly.js FILE.wav [dsp|htdemucs|umx]');
const t0 = performance.now();
const { channels, sampleRate } = await readWholeFile(file);
const t1 = performance.now();
const { separator, notice } = await openSeparator(parseSeparatorId(id));
const t2 = performance.now();
// The two processes' resident memory together, sampled every 20 ms (Linux /proc): the peaks of
// ama and of the model worker need not coincide, so their sum is only an upper bound.
const rssMb = (pid: number | 'self') => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
let peakTogetherMb = 0;
const sampler = setInterval(() => {
  const pid = 'workerPid' in separator ? (separator as OnnxSourceSeparator).workerPid() : undefined;
  peakTogetherMb = Math.max(peakTogetherMb, rssMb('self') + (pid === undefined ? 0 : rssMb(pid)));
}, 20);
await separator.separate(channels, sampleRate);
clearInterval(sampler);
const t3 = performance.now();
// ONNX models run in a worker process of their own: its memory and CPU are not in this process's.
const worker = 'workerPeakRssBytes' in separator ? (separator as OnnxSourceSeparator) : null;
const workerPeak = worker?.workerPeakRssBytes() ?? null;
const workerCpuSec = worker ? worker.workerCpuSeconds() : null;
await separator.close();
process.stdout.write(`${JSON.stringify({ separator: separator.id, notice: notice ?? null, seconds: channels[0].length / sampleRate, decodeSec: (t1 - t0) / 1000, openSec: (t2 - t1) / 1000, separateSec: (t3 - t2) / 1000, workerPeakRssMb: workerPeak === null ? null : workerPeak / 2 ** 20, workerCpuSec, peakTogetherMb: fs.existsSync('/proc/self/status') ? peakTogetherMb : null })}\n`);
writeStats();
