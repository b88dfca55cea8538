import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDemoMaterial } from '../src/demo/material.js';
import type { LiveStats } from '../src/daemon/status.js';
import { AMA_BIN, heading, ROOT } from './common.js';

/** Stream time of each run, s: long enough that the steady state (agents every 1-2 s, a stem separation every 10-30 s) outweighs the start-up. */
const SECONDS = 60;

/** Runs a command to completion; rejects on a non-zero exit. */
function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`))));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `ama demo` with the dashboard, in a 100x30 tmux terminal; the figures from AMA_LIVE_STATS. */
async function withDashboard(dir: string): Promise<LiveStats> {
  const socket = `ama-bench-${process.pid}`;
  const statsFile = path.join(dir, 'dash.json');
  const exitFile = path.join(dir, 'dash.exit');
  const env = `AMA_LIVE_STATS=${JSON.stringify(statsFile)} NCURSES_NO_UTF8_ACS=1 LANG=C.UTF-8 TERM=xterm-256color`;
  const cmd = `cd ${JSON.stringify(ROOT)} && ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(AMA_BIN)} demo --seconds ${SECONDS} --ws-port 0 2>${JSON.stringify(path.join(dir, 'dash.err'))}; echo $? > ${JSON.stringify(exitFile)}`;
  await exec('tmux', ['-L', socket, 'new-session', '-d', '-s', 'bench', '-x', '100', '-y', '30', cmd]);
  try {
    const t0 = Date.now();
    while (!fs.existsSync(exitFile) || fs.readFileSync(exitFile, 'utf8').trim() === '') {
      if (Date.now() - t0 > (SECONDS + 120) * 1000) throw new Error('ama demo under tmux did not finish');
      await sleep(200);
    }
  } finally {
    await exec('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
  }
  const code = fs.readFileSync(exitFile, 'utf8').trim();
  if (code !== '0') throw new Error(`ama demo (dashboard) exited ${code}: ${fs.readFileSync(path.join(dir, 'dash.err'), 'utf8').slice(-400)}`);
  return JSON.parse(fs.readFileSync(statsFile, 'utf8')) as LiveStats;
}

/** `ama demo --no-dashboard --json`, paced in real time; the figures from AMA_LIVE_STATS. */
async function withoutDashboard(dir: string): Promise<LiveStats> {
  const statsFile = path.join(dir, 'json.json');
  await exec(process.execPath, [AMA_BIN, 'demo', '--seconds', String(SECONDS), '--no-dashboard', '--json'], { AMA_LIVE_STATS: statsFile });
  return JSON.parse(fs.readFileSync(statsFile, 'utf8')) as LiveStats;
}

/** ffmpeg's ebur128 meter (true peak on) reading the demo mix (25 s) at real time (-re): CPU share of one core and peak RSS. */
async function ffmpegRealTime(file: string): Promise<{ cpuShare: number; maxRssMb: number; wallSec: number }> {
  const { stderr } = await exec('/usr/bin/time', ['-f', 'bench-time %e %U %S %M', 'ffmpeg', '-nostats', '-hide_banner', '-nostdin', '-v', 'error', '-re', '-stream_loop', '-1', '-i', file,
    '-t', String(SECONDS), '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const m = /bench-time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error('no /usr/bin/time figures for ffmpeg');
  const wallSec = Number(m[1]);
  return { wallSec, cpuShare: (Number(m[2]) + Number(m[3])) / wallSec, maxRssMb: Number(m[4]) / 1024 };
}

function line(label: string, s: LiveStats): string {
  const lat = s.latencyMs ? `block-to-frame delay median ${s.latencyMs.median.toFixed(1)} ms, p95 ${s.latencyMs.p95.toFixed(1)} ms, max ${s.latencyMs.max.toFixed(1)} ms (${s.latencyMs.n} frames)` : 'no delay figures';
  const cpu = s.cpuShare === null ? '--' : `${(100 * s.cpuShare).toFixed(1)}%`;
  return `${label.padEnd(15)}CPU ${cpu} of one core (${s.cpuSec.toFixed(2)} s CPU over ${s.wallSec.toFixed(1)} s), peak RSS ${s.maxRssMb.toFixed(0)} MB, ${lat}`;
}

/**
 * The live daemon on a 48 kHz stereo stream in real time: `ama demo` (the demo mix played through
 * the same streaming path as `ama listen`, agents' worker included) for SECONDS (60 s, the demo mix looping) with the dashboard (in
 * tmux) and with --no-dashboard --json. CPU (every thread) and RSS between the first and the last
 * meter frame, so the reference loading is left out, and the delay from a captured block to the
 * meter frame that includes it (AMA_LIVE_STATS, src/daemon/status.ts). ffmpeg's ebur128 meter at
 * real time on the same file is the reference for the CPU share.
 */
export async function benchDaemon(): Promise<void> {
  heading(`daemon: ama demo, ${SECONDS} s of the 48 kHz stereo demo mix in real time, vs ffmpeg -re -af ebur128=peak=true (targets: <10% of one core with the dashboard, <200 MB, <50 ms)`);
  const demo = ensureDemoMaterial();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-bench-daemon-'));
  try {
    await exec(process.execPath, [AMA_BIN, 'demo', '--seconds', '1', '--no-dashboard', '--json', '--fast']); // the references into the cache
    const hasTmux = await exec('tmux', ['-V']).then(() => true, () => false);
    const dash = hasTmux ? await withDashboard(dir) : null;
    const json = await withoutDashboard(dir);
    const ff = await ffmpegRealTime(demo.mix);
    if (dash) console.log(line('dashboard on', dash));
    else console.log('dashboard on   skipped: tmux is not installed');
    console.log(line('dashboard off', json));
    console.log(`${'ffmpeg ebur128'.padEnd(15)}CPU ${(100 * ff.cpuShare).toFixed(1)}% of one core (${ff.wallSec.toFixed(1)} s at -re), peak RSS ${ff.maxRssMb.toFixed(0)} MB (loudness only: no profile, agents, dashboard or feed)`);
    const ref = dash ?? json;
    if (ref.cpuShare !== null && ff.cpuShare > 0) console.log(`ratio          ama ${dash ? 'dashboard on' : 'dashboard off'}/ffmpeg CPU share = ${(ref.cpuShare / ff.cpuShare).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
