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
await separator.separate(channels, sampleRate);
const t3 = performance.now();
// ONNX models run in a worker process of their own: its memory and CPU are not in this process's.
const worker = 'workerPeakRssBytes' in separator ? (separator as OnnxSourceSeparator) : null;
const workerPeak = worker?.workerPeakRssBytes() ?? null;
const workerCpuSec = worker ? worker.workerCpuSeconds() : null;
await separator.close();
process.stdout.write(`${JSON.stringify({ separator: separator.id, notice: notice ?? null, seconds: channels[0].length / sampleRate, decodeSec: (t1 - t0) / 1000, openSec: (t2 - t1) / 1000, separateSec: (t3 - t2) / 1000, workerPeakRssMb: workerPeak === null ? null : workerPeak / 2 ** 20, workerCpuSec })}\n`);
writeStats();
