import { analyzeFile } from '../src/analysis/analyzeFile.js';
import { writeStats } from './common.js';

// Bench-only: `ama analyze` without the profile (loudness and peaks alone), to show what the
// profile costs. Prints the loudness object, and the ama-stats line that timeCommand reads.
const file = process.argv[2];
if (!file) throw new Error('usage: node dist/bench/loudnessOnly.js FILE.wav');
const r = await analyzeFile(file, { profile: false });
process.stdout.write(`${JSON.stringify([{ file, ...r }])}\n`);
writeStats();
