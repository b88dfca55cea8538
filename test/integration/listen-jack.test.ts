import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wavWriter.js';
import { AMA_BIN } from '../helpers/cli.js';
import { ALSA_JACK_CONF, jackMissing, JackRig, programme, writeRaw } from '../fixtures/captureRig.js';

// The whole daemon (`ama listen`, the built CLI) on real-time PortAudio capture: a private JACK dummy
// server plays a known programme into the ALSA PCM `dawjack` (see captureRig.ts). These runs show
// what the capture-level tests cannot: that the daemon itself keeps publishing, counts overruns when
// its analysis is slower than real time, and rides out a device that vanishes and comes back.

const missing = jackMissing();
if (missing.length && process.env.CI === 'true') throw new Error(`CI needs ${missing.join(', ')}: run scripts/install-system-deps.sh`);
if (missing.length) console.warn(`skipping the ama listen JACK tests: ${missing.join(', ')} not installed (scripts/install-system-deps.sh installs them)`);

const RATE = 48000;
const SERVER = `ama-listen-${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-listen-jack-'));
const at = (name: string) => path.join(dir, name);
writeRaw(at('feed.f32'), programme(30, RATE));
const ref = programme(12, RATE);
writeWav(at('ref-a.wav'), ref, RATE, { format: 'float32' });
writeWav(at('ref-b.wav'), ref.map((ch) => ch.map((v) => v * 0.7)), RATE, { format: 'float32' });

const rig = new JackRig(SERVER, at('feed.f32'));
const startRig = () => rig.start();
const stopRig = () => rig.stop();

type Msg = { type: string; t?: number; loudness?: { momentaryLufs: number | null }; overruns?: number; capture?: string; [k: string]: unknown };

/** A running `ama listen --json`: its messages (with arrival times) and stderr lines as they come. */
interface Listener {
  proc: ChildProcess;
  messages: Array<Msg & { atMs: number }>;
  stderr: () => string;
  exited: Promise<number>;
}

function listen(env: NodeJS.ProcessEnv = {}): Listener {
  const proc = spawn(process.execPath, [
    AMA_BIN, 'listen', '--device', 'dawjack', '--rate', String(RATE), '--channels', '2',
    '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), '--no-dashboard', '--json', '--no-ws',
  ], { env: { ...process.env, AMA_CACHE_DIR: at('cache'), ALSA_CONFIG_PATH: ALSA_JACK_CONF, JACK_DEFAULT_SERVER: SERVER, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = Date.now();
  const messages: Listener['messages'] = [];
  let partial = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) messages.push({ ...(JSON.parse(l) as Msg), atMs: Date.now() - t0 });
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number>((resolve) => proc.once('exit', (code, sig) => resolve(code ?? (sig ? 128 : -1))));
  return { proc, messages, stderr: () => err, exited };
}

async function until(what: string, check: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms; stderr:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const meters = (l: Listener) => l.messages.filter((m) => m.type === 'meter');
const heard = (m: Msg) => m.type === 'meter' && m.loudness?.momentaryLufs != null && m.loudness.momentaryLufs > -60;

describe.skipIf(missing.length > 0)('ama listen on a real-time JACK device', () => {
  beforeAll(startRig, 30_000);
  afterAll(async () => {
    await stopRig();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts overruns while its analysis is slower than real time, keeps publishing, and stops cleanly on SIGTERM', async () => {
    // 1024-frame blocks last 21.3 ms at 48 kHz; 45 ms of extra work each makes the analysis ~2x slower than real time.
    const l = listen({ AMA_SIMULATE_SLOW_MS: '45' });
    try {
      await until('the first meter frame', () => meters(l).length > 0, 30_000, l.stderr);
      const started = Date.now();
      await until('overruns on the status', () => l.messages.some((m) => m.type === 'status' && (m.overruns ?? 0) > 0), 20_000, l.stderr);
      // Still running and publishing 3 s later, with the overrun count growing.
      const firstOverrun = l.messages.find((m) => m.type === 'status' && (m.overruns ?? 0) > 0)!;
      await new Promise((r) => setTimeout(r, 3000));
      expect(l.proc.exitCode).toBeNull();
      // Meter frames keep coming over those 3 s (one per 100 ms of audio analysed: about 5 per second at half speed).
      const later = l.messages.filter((m) => m.atMs > firstOverrun.atMs && m.type === 'meter');
      expect(later.length).toBeGreaterThan(8);
      const lastStatus = l.messages.filter((m) => m.type === 'status').at(-1)!;
      expect(lastStatus.overruns!).toBeGreaterThan(firstOverrun.overruns!);
      expect(lastStatus.capture).toBe('running');
      expect(l.stderr()).toMatch(/Analysis is slower than real time/);
      console.log(`listen-jack overruns: ${lastStatus.overruns} after ${((Date.now() - started) / 1000).toFixed(1)} s of a 2x-too-slow analysis; ${meters(l).length} meter frames`);
      l.proc.kill('SIGTERM');
      expect(await l.exited).toBe(0);
      expect(l.stderr()).toMatch(/SIGTERM received: stopping/);
    } finally {
      l.proc.kill('SIGKILL');
    }
  }, 90_000);

  it('reports a device that vanishes mid-stream, retries, and resumes publishing when it is back, without a restart', async () => {
    const l = listen();
    let restarted: Promise<void> | null = null;
    try {
      await until('sound heard', () => l.messages.some(heard), 30_000, l.stderr);
      const killed = stopRig(); // the JACK server dies, and the DAW with it
      await until('the loss reported', () => /Lost input device "dawjack"/.test(l.stderr()), 20_000, l.stderr);
      await until('a failed reopen', () => /still unavailable/.test(l.stderr()), 20_000, l.stderr);
      const lostAtMs = l.messages.at(-1)?.atMs ?? 0;
      expect(l.proc.exitCode).toBeNull();
      restarted = killed.then(startRig);
      await restarted;
      await until('the resume reported', () => /Input device "dawjack" is back after [\d.]+ s; capture resumed\./.test(l.stderr()), 30_000, l.stderr);
      await until('sound heard again', () => l.messages.some((m) => m.atMs > lostAtMs && heard(m)), 30_000, l.stderr);
      const statusesAfter = l.messages.filter((m) => m.type === 'status' && m.atMs > lostAtMs);
      expect(statusesAfter.some((m) => m.capture === 'lost' || m.capture === 'retrying')).toBe(true);
      await until('running status', () => l.messages.filter((m) => m.type === 'status').at(-1)?.capture === 'running', 5000, l.stderr);
      l.proc.kill('SIGTERM');
      expect(await l.exited).toBe(0);
      console.log(`listen-jack loss:\n${l.stderr().split('\n').filter((s) => /device|Retrying|resumed/i.test(s)).join('\n')}`);
    } finally {
      l.proc.kill('SIGKILL');
      await restarted?.catch(() => undefined);
      if (!rig.jack) await startRig().catch(() => undefined);
    }
  }, 120_000);
});
