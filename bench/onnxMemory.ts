import { readFileSync } from 'node:fs';
import { openOnnxSeparator } from '../src/separation/onnx/index.js';
import { readWholeFile } from '../src/separation/stemCache.js';
import { benchProgramme } from './material.js';

// `node dist/bench/onnxMemory.js [SECONDS] [THREADS]`: separates the first SECONDS (default 60) of
// the 3-minute bench programme with htdemucs (models from $AMA_MODELS_DIR or models/) and prints
// the real-time factor and the RSS of this process sampled every 50 ms (after open, median, 90th
// percentile, peak) and the peak RSS of the worker process that runs the model (workerPeakRssMb) as
// JSON. Linux only (reads /proc/self/status). Pin cores with taskset.

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const seconds = Number(process.argv[2] ?? 60);
const threads = Number(process.argv[3] ?? 2);
const { channels, sampleRate } = await readWholeFile(await benchProgramme(3));
const audio = channels.map((c) => c.slice(0, Math.round(seconds * sampleRate)));
const samples: number[] = [];
const timer = setInterval(() => samples.push(rssMb()), 50);
const sep = await openOnnxSeparator('htdemucs', { threads });
const afterOpen = rssMb();
const t0 = performance.now();
await sep.separate(audio, sampleRate);
const separateSec = (performance.now() - t0) / 1000;
clearInterval(timer);
const workerPeak = sep.workerPeakRssBytes();
await sep.close();
samples.sort((a, b) => a - b);
const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]);
process.stdout.write(`${JSON.stringify({ seconds, threads, separateSec: +separateSec.toFixed(1), rtf: +(separateSec / seconds).toFixed(2), rssAfterOpenMb: Math.round(afterOpen), rssMedianMb: at(0.5), rssP90Mb: at(0.9), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), workerPeakRssMb: workerPeak === null ? null : Math.round(workerPeak / 2 ** 20) })}\n`);
