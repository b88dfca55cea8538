import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, type CaptureEvent, type CaptureSource } from '../../src/audio/capture/index.js';
import type { AudioBlock } from '../../src/audio/types.js';
import {
  ALSA_JACK_CONF, describeMismatch, firstSound, jackMissing, JackRig, join, locate, mismatches, programme, tsCaptureLaunch, writeRaw,
} from '../fixtures/captureRig.js';

// Real-time capture: a private JACK dummy server runs in real time, the recipe's jackfeed.py plays a
// known file into it when PortAudio connects, and the bundled PortAudio (ALSA host API) captures it
// through libasound2-plugins' jack PCM `dawjack`. Needs jackd2, python3-jack-client, libasound2-plugins.

const missing = jackMissing();
if (missing.length && process.env.CI === 'true') throw new Error(`CI needs ${missing.join(', ')}: run scripts/install-system-deps.sh`);
if (missing.length) console.warn(`skipping the JACK capture tests: ${missing.join(', ')} not installed (scripts/install-system-deps.sh installs them)`);

const RATE = 48000;
const SERVER = `ama-test-${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-capture-jack-'));
const source = programme(3, RATE);
const raw = path.join(dir, 'feed.f32');
writeRaw(raw, source);
const launch = tsCaptureLaunch({ ALSA_CONFIG_PATH: ALSA_JACK_CONF, JACK_DEFAULT_SERVER: SERVER });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rig = new JackRig(SERVER, raw);
const startRig = () => rig.start();
const stopRig = () => rig.stop();

/** Ports connected to the feed's outputs now (PortAudio's stream holds one connection per channel). */
function feedConnections(): string[] {
  const r = spawnSync('jack_lsp', ['-c', 'daw:out_1'], { env: { ...process.env, JACK_DEFAULT_SERVER: SERVER }, encoding: 'utf8' });
  return r.stdout.split('\n').slice(1).map((s) => s.trim()).filter(Boolean);
}

/** Capture processes of this test process now. */
function captureChildren(): number[] {
  const r = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'capture/child'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** Reads blocks until `until` says enough (or timeoutMs passes), then stops the capture. */
async function collect(capture: CaptureSource, until: (blocks: AudioBlock[]) => boolean, timeoutMs: number, perBlock?: () => Promise<void> | void): Promise<AudioBlock[]> {
  const blocks: AudioBlock[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  for await (const b of capture.blocks(stop.signal)) {
    blocks.push(b);
    if (until(blocks)) stop.abort();
    await perBlock?.();
  }
  clearTimeout(timer);
  return blocks;
}

describe.skipIf(missing.length > 0)('real-time capture from a JACK dummy server', () => {
  beforeAll(startRig);
  afterAll(async () => {
    await stopRig();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('captures what the DAW plays, in real time and bit for bit, and closes its stream when stopped', async () => {
    const capture = await openCapture({ device: 'dawjack', sampleRate: RATE, channels: 2, launch });
    expect(capture.stats()).toMatchObject({ deviceName: 'dawjack', hostApi: 'ALSA', sampleRate: RATE, channels: 2, state: 'running' });
    const t0 = Date.now();
    let soundAt = -1;
    const blocks = await collect(capture, (bs) => {
      const all = join(bs.slice(-1), 2);
      if (soundAt < 0 && firstSound(all) >= 0) soundAt = Date.now();
      const start = firstSound(join(bs, 2));
      return start >= 0 && bs.length * 1024 - start >= source[0].length + 4096;
    }, 15_000);
    const wallSec = (Date.now() - soundAt) / 1000;
    const got = join(blocks, 2);
    const start = firstSound(got);
    const k = locate(got, start, source);
    const bad = mismatches(got, start, source, k);
    const stats = capture.stats();
    console.log(`capture-jack: ${got[0].length} frames in ${((Date.now() - t0) / 1000).toFixed(2)} s, sound from frame ${start} (file frame ${k}); the sound took ${wallSec.toFixed(2)} s; ${bad} of ${(source[0].length - k) * 2} samples differ (${describeMismatch(got, start - k, source)}); overruns ${stats.overruns}; feed: ${rig.feed?.log().trim()}`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(RATE / 4);
    expect(bad).toBe(0);
    expect(got[0].subarray(start + source[0].length - k).every((v) => v === 0)).toBe(true); // silence after the file
    expect(wallSec).toBeGreaterThan((source[0].length - k) / RATE - 0.2); // paced by the JACK server, not by the reader
    expect(stats).toMatchObject({ state: 'stopped', overruns: 0, droppedFrames: 0, losses: 0 });
    expect(feedConnections()).toEqual([]); // PortAudio's stream is closed: nothing holds the DAW's ports
  });

  it('drops the oldest blocks and counts them when the reader is slower than real time, in bounded memory', async () => {
    const events: CaptureEvent[] = [];
    const capture = await openCapture({ device: 'dawjack', sampleRate: RATE, channels: 2, queueSec: 0.5, launch, onEvent: (e) => events.push(e) });
    const capacity = capture.stats().queueCapacity;
    let maxQueued = 0;
    let n = 0;
    let atEnd = capture.stats();
    const rss0 = process.memoryUsage().rss;
    const started = Date.now();
    await collect(capture, () => {
      atEnd = capture.stats();
      return Date.now() - started > 5000;
    }, 20_000, async () => {
      maxQueued = Math.max(maxQueued, capture.stats().queuedBlocks);
      n++;
      const state = capture.stats().state;
      if (state !== 'stopped') expect(state).toBe('running');
      await sleep(45); // analysis at about half of real time (a block is 21.3 ms)
    });
    const s = capture.stats();
    const rssGrowthMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
    const seenSec = (atEnd.deliveredFrames + atEnd.droppedFrames + atEnd.queuedBlocks * 1024) / RATE;
    console.log(`capture-jack slow reader: ${n} blocks read in 5 s, overruns ${s.overruns}, dropped ${s.droppedFrames} frames (${(s.droppedFrames / RATE).toFixed(2)} s), input overflows ${s.inputOverflows}, queue max ${maxQueued}/${capacity}, ${seenSec.toFixed(2)} s captured, losses ${s.losses}, RSS growth ${rssGrowthMb.toFixed(1)} MB; events: ${events.map((e) => e.message).join(' | ')}`);
    expect(s.overruns).toBeGreaterThan(40);
    expect(s.droppedFrames).toBe(s.overruns * 1024);
    expect(seenSec).toBeGreaterThan(4.5); // the device went on at its own pace, whatever the reader did
    expect(maxQueued).toBeLessThanOrEqual(capacity);
    expect(s.losses).toBe(0);
    expect(s.inputOverflows).toBe(0); // the capture process kept up with PortAudio throughout
    expect(rssGrowthMb).toBeLessThan(100);
    expect(events.some((e) => e.type === 'overrun' && /^Analysis is slower than real time: \d+ overruns so far, \d+\.\d s of audio dropped\.$/.test(e.message))).toBe(true);
  });

  it('keeps capturing while analysis blocks the thread: the capture process drops, and the device is not taken for lost', async () => {
    const capture = await openCapture({ device: 'dawjack', sampleRate: RATE, channels: 2, queueSec: 4, lostAfterSec: 1, launch });
    let n = 0;
    let lastStart = 0;
    const started = Date.now();
    const blocks = await collect(capture, () => Date.now() - started > 5000, 20_000, () => {
      if (++n === 20 || n === 120) {
        const until = Date.now() + 1500; // 1.5 s of synchronous work, longer than lostAfterSec
        while (Date.now() < until) {
          /* busy */
        }
      }
      lastStart = capture.stats().queuedBlocks;
    });
    const s = capture.stats();
    console.log(`capture-jack blocked thread: ${blocks.length} blocks read, overruns ${s.overruns} (${(s.droppedFrames / RATE).toFixed(2)} s dropped by the capture process), input overflows ${s.inputOverflows}, losses ${s.losses}, queue ${lastStart}/${s.queueCapacity}`);
    expect(s.overruns).toBeGreaterThan(0); // 1.5 s did not fit in the 0.5 s backlog and the pipe: the process dropped blocks
    expect(s.queueCapacity * 1024).toBeGreaterThan(3 * RATE); // so the queue itself (4 s) never dropped any
    expect(s.inputOverflows).toBe(0);
    expect(s.losses).toBe(0);
  });

  it('reports a device that vanishes, retries with backoff, and resumes when it is back', async () => {
    const events: Array<CaptureEvent & { atBlock: number; atMs: number }> = [];
    const blocks: AudioBlock[] = [];
    const t0 = Date.now();
    let killed: Promise<void> | null = null;
    let restarted: Promise<void> | null = null;
    const capture = await openCapture({
      device: 'dawjack', sampleRate: RATE, channels: 2, lostAfterSec: 1, launch,
      onEvent: (e) => {
        events.push({ ...e, atBlock: blocks.length, atMs: Date.now() - t0 });
        // The JACK server comes back once ama has failed to reopen it at least once.
        if (e.type === 'lost' && /still unavailable/.test(e.message) && !restarted) restarted = killed!.then(startRig);
      },
    });
    const stop = new AbortController();
    const deadline = setTimeout(() => stop.abort(), 40_000);
    for await (const b of capture.blocks(stop.signal)) {
      blocks.push(b);
      const heard = firstSound(join(blocks, 2));
      // The device disappears mid-stream: the JACK server dies, and the DAW with it.
      if (!killed && heard >= 0 && blocks.length * 1024 - heard > RATE) killed = stopRig();
      const resumed = events.find((e) => e.type === 'resumed');
      if (resumed) {
        const after = join(blocks.slice(resumed.atBlock), 2);
        const start = firstSound(after);
        if (start >= 0 && after[0].length - start >= source[0].length) stop.abort();
      }
    }
    clearTimeout(deadline);
    await restarted;
    const s = capture.stats();
    console.log(`jackd after the restart:\n${rig.jack?.log()}\nfeed:\n${rig.feed?.log()}`);
    console.log(`capture-jack loss: ${events.map((e) => `${(e.atMs / 1000).toFixed(1)}s ${e.type}: ${e.message}`).join('\n  ')}\n  stats ${JSON.stringify(s)}`);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('lost');
    expect(events[0].message).toMatch(/^Lost input device "dawjack": no audio for 1\.\d s\. Retrying in 0\.5 s\.$/);
    expect(events[1].message).toBe('Reopening input device "dawjack" (attempt 1).');
    expect(events[2].message).toMatch(/^Input device "dawjack" is still unavailable \(no input device named "dawjack"\)\. Retrying in 1 s\.$/);
    const delays = events.filter((e) => e.type === 'lost').map((e) => e.retryInSec);
    expect(delays).toEqual([0.5, 1, 2, 4, 8, 8].slice(0, delays.length));
    expect(types.at(-2)).toBe('resumed');
    expect(types.at(-1)).toBe('stopped');
    expect(s).toMatchObject({ losses: 1, state: 'stopped', overruns: 0 });
    expect(s.gapSec).toBeGreaterThan(1);
    const resumed = events.find((e) => e.type === 'resumed')!;
    expect(resumed.gapSec).toBeCloseTo(s.gapSec, 1);
    const after = join(blocks.slice(resumed.atBlock), 2);
    const start = firstSound(after);
    const k = locate(after, start, source);
    console.log(`capture-jack loss: after the resume, sound from frame ${start} (file frame ${k}): ${describeMismatch(after, start - k, source)}; feed: ${rig.feed?.log().trim()}`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(RATE / 4);
    expect(mismatches(after, start, source, k)).toBe(0); // the DAW played again from its start; capture got all of it
  }, 60_000);

  it('says what a device supports when the rate or channel count is refused', async () => {
    const rate = await openCapture({ device: 'dawjack_raw', sampleRate: 44100, channels: 2, launch }).catch((e: unknown) => e);
    expect(rate).toMatchObject({ code: 'BAD_OPTION' });
    expect((rate as Error).message).toMatch(/^Input device "dawjack_raw" cannot capture at 44100 Hz \(PortAudio: .*\); it supports 48000 Hz \(default 48000 Hz\)\. Pass --rate 48000\.$/);
    const channels = await openCapture({ device: 'dawjack_raw', sampleRate: RATE, channels: 4, launch }).catch((e: unknown) => e);
    expect((channels as Error).message).toBe('Input device "dawjack_raw" has 2 input channels; cannot capture 4. Pass --channels 1 to 2.');
  });
  it('restarts a capture process that dies (a crash of the driver or PortAudio), and resumes', async () => {
    const events: CaptureEvent[] = [];
    const capture = await openCapture({ device: 'dawjack', sampleRate: RATE, channels: 2, launch, onEvent: (e) => events.push(e) });
    let killedPid = 0;
    const blocks = await collect(capture, (bs) => {
      if (!killedPid && bs.length === 20) {
        killedPid = captureChildren()[0];
        process.kill(killedPid, 'SIGKILL');
      }
      return events.some((e) => e.type === 'resumed') && bs.length > 60;
    }, 20_000);
    console.log(`capture-jack crash: ${events.map((e) => `${e.type}: ${e.message}`).join(' | ')}`);
    expect(killedPid).toBeGreaterThan(0);
    expect(events[0].message).toMatch(/^Lost input device "dawjack": the capture process ended \(SIGKILL\)\. Retrying in 0\.5 s\.$/);
    expect(events.map((e) => e.type)).toEqual(['lost', 'retrying', 'resumed', 'stopped']);
    expect(blocks.length).toBeGreaterThan(60);
    expect(capture.stats().losses).toBe(1);
    expect(captureChildren()).toEqual([]);
  });

  it('stops cleanly while the device is lost and being retried', async () => {
    const events: CaptureEvent[] = [];
    const capture = await openCapture({ device: 'dawjack', sampleRate: RATE, channels: 2, lostAfterSec: 0.5, launch, onEvent: (e) => events.push(e) });
    const stop = new AbortController();
    let stoppedIn = 0;
    const reading = (async () => {
      for await (const _ of capture.blocks(stop.signal)) {
        /* read */
      }
    })();
    await sleep(500);
    await stopRig(); // the device goes away
    while (!events.some((e) => e.type === 'lost' && /still unavailable/.test(e.message))) await sleep(50);
    const t = Date.now();
    stop.abort();
    await reading;
    stoppedIn = Date.now() - t;
    console.log(`capture-jack stop while lost: stopped in ${stoppedIn} ms; ${events.map((e) => e.type).join(', ')}`);
    expect(capture.stats().state).toBe('stopped');
    expect(events.at(-1)!.type).toBe('stopped');
    expect(stoppedIn).toBeLessThan(3000);
    expect(captureChildren()).toEqual([]);
    await startRig();
  });
});
