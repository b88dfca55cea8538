import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built ama CLI. */
export const AMA_BIN = path.join(ROOT, 'dist/src/cli/main.js');

/** Wall time and (for ama) the process's own report of peak RSS and CPU time. */
export interface Timing {
  wallSec: number;
  maxRssMb: number | null;
  cpuSec: number | null;
  stdout: string;
}

/** Runs a command to completion and times it; ama's AMA_STATS line is parsed when present. */
export function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`));
      const m = /ama-stats (\{.*\})/.exec(stderr);
      const stats = m ? (JSON.parse(m[1]) as { maxRssMb: number; userMs: number; systemMs: number }) : null;
      resolve({ wallSec, maxRssMb: stats?.maxRssMb ?? null, cpuSec: stats ? (stats.userMs + stats.systemMs) / 1000 : null, stdout });
    });
  });
}

/** Median of the wall times of `runs` repetitions (the first run also warms the page cache). */
export async function medianTiming(runs: number, fn: () => Promise<Timing>): Promise<Timing> {
  const [median] = await interleavedMedians(runs, [fn]);
  return median;
}

/**
 * Runs each command `runs` times, taking turns (A B C A B C ...), and returns the run of median wall
 * time of each: on a shared machine, background load then falls on all of them alike.
 */
export async function interleavedMedians(runs: number, fns: Array<() => Promise<Timing>>): Promise<Timing[]> {
  const all: Timing[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++) for (let j = 0; j < fns.length; j++) all[j].push(await fns[j]());
  return all.map((t) => t.sort((a, b) => a.wallSec - b.wallSec)[Math.floor(t.length / 2)]);
}

/** Writes this process's ama-stats line (peak RSS, CPU time) to stderr, as the CLI does under AMA_STATS. */
export function writeStats(): void {
  const u = process.resourceUsage();
  process.stderr.write(`ama-stats ${JSON.stringify({ maxRssMb: u.maxRSS / 1024, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 })}\n`);
}

/** Prints a section heading. */
export function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}
