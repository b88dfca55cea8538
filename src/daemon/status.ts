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
export function statusMessage(x: { t: number; stats: CaptureStats; ended: boolean; clients: number; cpuShare: number | null; message: string | null }): StatusMessage {
  const s = x.stats;
  return buildStatus({
    t: x.t, device: s.deviceName, sampleRateHz: s.sampleRate, channels: s.channels, capture: captureField(s.state, x.ended),
    overruns: s.overruns, clients: x.clients, cpuShare: x.cpuShare === null ? null : Math.round(x.cpuShare * 1000) / 1000,
    rssMb: Math.round(process.memoryUsage.rss() / 1048576), message: x.message,
  });
}
