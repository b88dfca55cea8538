import type { CaptureState, CaptureStats } from '../audio/capture/types.js';
import { buildStatus, type StatusMessage } from '../transport/ws/protocol.js';

/**
 * CPU share of this process (every thread: analysis, agents' worker, capture reader) between two
 * calls of sample(): process.cpuUsage() delta over wall time; 1.0 = one core fully busy.
 */
export class CpuMeter {
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();

  /** Share of one core used since the previous call (or since construction), 0..cores; null over less than 50 ms. */
  sample(): number | null {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const wallUs = (wall - this.lastWall) * 1000;
    if (wallUs < 50_000) return null;
    const used = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    this.lastCpu = cpu;
    this.lastWall = wall;
    return used / wallUs;
  }
}

/** The status message's capture field for a capture state (`ended` once the source has ended by itself). */
export function captureField(state: CaptureState, ended: boolean): StatusMessage['capture'] {
  if (ended) return 'ended';
  return state;
}

/** A status message from the capture's counters and the daemon's figures. */
export function statusMessage(x: { t: number; stats: CaptureStats; ended: boolean; clients: number; cpuShare: number | null; message: string | null; daw?: StatusMessage['daw']; separation?: StatusMessage['separation'] }): StatusMessage {
  const s = x.stats;
  return buildStatus({
    t: x.t, device: s.deviceName, sampleRateHz: s.sampleRate, channels: s.channels, capture: captureField(s.state, x.ended),
    overruns: s.overruns, clients: x.clients, cpuShare: x.cpuShare === null ? null : Math.round(x.cpuShare * 1000) / 1000,
    rssMb: Math.round(process.memoryUsage.rss() / 1048576), message: x.message, ...(x.daw ? { daw: x.daw } : {}),
    ...(x.separation ? { separation: x.separation, separator: x.separation.separator } : {}),
  });
}

/** What AMA_LIVE_STATS=<file> writes when the daemon stops (bench/daemon.ts reads it). */
export interface LiveStats {
  /** Meter frames seen, and the delay from the captured block that completed each to its emission, ms. */
  frames: number;
  latencyMs: { median: number; p95: number; max: number; n: number } | null;
  /** Between the first and the last meter frame (the reference loading left out): wall and CPU time (every thread), s. */
  wallSec: number;
  cpuSec: number;
  cpuShare: number | null;
  /** Peak resident memory of the process, MB; and the largest RSS sampled while running. */
  maxRssMb: number;
}

/**
 * Measures the daemon while it runs, for the benchmark: CPU share and RSS between the first and the
 * last meter frame, and the delay from a captured block (src/audio/arrival.ts) to the meter frame
 * that includes it, once that frame has been handed to every output. Cheap: a clock read per frame.
 */
export class LiveStatsRecorder {
  private readonly delays: number[] = [];
  private frames = 0;
  private first: { wall: number; cpu: NodeJS.CpuUsage } | null = null;
  private last: { wall: number; cpu: NodeJS.CpuUsage } | null = null;

  /** One meter frame, emitted now; `arrivalMs`: when the block that completed it was captured. */
  frame(arrivalMs: number | null): void {
    const now = performance.now();
    this.frames++;
    if (arrivalMs !== null) this.delays.push(now - arrivalMs);
    const mark = { wall: now, cpu: process.cpuUsage() };
    this.first ??= mark;
    this.last = mark;
  }

  result(): LiveStats {
    const d = [...this.delays].sort((a, b) => a - b);
    const q = (p: number) => Math.round(d[Math.min(d.length - 1, Math.floor(p * d.length))] * 100) / 100;
    const wallSec = this.first && this.last ? (this.last.wall - this.first.wall) / 1000 : 0;
    const cpuSec = this.first && this.last ? (this.last.cpu.user - this.first.cpu.user + this.last.cpu.system - this.first.cpu.system) / 1e6 : 0;
    return {
      frames: this.frames, latencyMs: d.length ? { median: q(0.5), p95: q(0.95), max: q(1), n: d.length } : null,
      wallSec, cpuSec, cpuShare: wallSec > 0 ? cpuSec / wallSec : null, maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  }
}
