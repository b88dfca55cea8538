import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { analyzeFile } from '../../src/analysis/analyzeFile.js';
import { LoudnessMeter } from '../../src/analysis/loudness.js';
import { listInputDevices, openCapture } from '../../src/audio/capture/index.js';
import type { AudioBlock } from '../../src/audio/types.js';
import { writeWav } from '../../src/audio/wavWriter.js';
import { runDevices } from '../../src/cli/devices.js';
import { ROOT, run } from '../helpers/cli.js';
import { ALSA_FILE_CONF, join, mismatches, programme, tsCaptureLaunch, writeRaw } from '../fixtures/captureRig.js';

// Real PortAudio (naudiodon's bundled V19.6, ALSA host API) reading an ALSA `file` PCM: the capture
// process is given ALSA_CONFIG_PATH and CAPTURE_RAW in its environment, so no sound card is needed.
// The file PCM is not paced: it delivers as fast as it is read, hence `lossless` here.

const RATE = 48000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-capture-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

const signal = programme(20, RATE);
writeRaw(at('programme.f32'), signal, 2 * RATE); // zeros after the end: past it the plugin repeats stale data
writeWav(at('programme.wav'), signal, RATE, { format: 'float32' });
const launch = tsCaptureLaunch({ ALSA_CONFIG_PATH: ALSA_FILE_CONF, CAPTURE_RAW: at('programme.f32') });

function meter(blocks: AudioBlock[]): LoudnessMeter {
  const m = new LoudnessMeter({ sampleRate: RATE, layout: ['L', 'R'] });
  for (const b of blocks) m.process(b);
  return m;
}

describe('capture from an ALSA file PCM through PortAudio', () => {
  it('lists the file PCM among the input devices', async () => {
    const devices = await listInputDevices({ launch });
    const fake = devices.find((d) => d.name === 'fakecapture');
    expect(fake).toMatchObject({ hostApi: 'ALSA', isDefault: false });
    expect(fake!.maxInputChannels).toBeGreaterThanOrEqual(2);
    expect(devices.some((d) => d.isDefault)).toBe(true);
  });

  it('captures the file bit for bit, and its live loudness equals the offline figures', async () => {
    const events: string[] = [];
    const capture = await openCapture({ device: 'fakecapture', sampleRate: RATE, channels: 2, lossless: true, launch, onEvent: (e) => events.push(e.type) });
    expect(capture.format).toMatchObject({ codec: 'pcm_f32le', sampleRate: RATE, channels: 2, layout: ['L', 'R'], durationSec: null });
    const want = signal[0].length;
    const blocks: AudioBlock[] = [];
    let frames = 0;
    const stop = new AbortController();
    for await (const b of capture.blocks(stop.signal)) {
      expect(b).toHaveLength(2);
      expect(b[0].length).toBe(1024);
      blocks.push(b);
      frames += b[0].length;
      if (frames >= want) stop.abort();
    }
    const got = join(blocks, 2);
    expect(mismatches(got, 0, signal)).toBe(0); // every float32 sample identical
    const stats = capture.stats();
    expect(stats).toMatchObject({ state: 'stopped', overruns: 0, droppedFrames: 0, inputOverflows: 0, losses: 0, deviceName: 'fakecapture', hostApi: 'ALSA' });
    expect(stats.deliveredFrames).toBe(frames);
    expect(events).toEqual(['stopped']);

    // Live (1024-frame blocks as captured) against offline (the original, one block; and `ama analyze`'s path).
    const live = meter([got.map((ch) => ch.subarray(0, want))].flatMap((x) => splitBlocks(x, 1024))).read();
    const offline = meter([signal]).read();
    const file = await analyzeFile(at('programme.wav'), { profile: false });
    console.log(`capture-file: ${frames} frames captured, ${want} compared, 0 differ; integrated live ${live.integratedLufs} offline ${offline.integratedLufs} analyze ${file.loudness.integratedLufs} LUFS; LRA live ${live.loudnessRangeLu} offline ${offline.loudnessRangeLu} analyze ${file.loudness.loudnessRangeLu} LU`);
    expect(live.integratedLufs).not.toBeNull();
    expect(live.loudnessRangeLu!).toBeGreaterThan(3); // the level steps make a real range
    expect(Math.abs(live.integratedLufs! - offline.integratedLufs!)).toBeLessThan(1e-9);
    expect(Math.abs(live.loudnessRangeLu! - offline.loudnessRangeLu!)).toBeLessThan(1e-9);
    expect(Math.abs(live.integratedLufs! - file.loudness.integratedLufs!)).toBeLessThan(1e-9);
    expect(Math.abs(live.loudnessRangeLu! - file.loudness.loudnessRangeLu!)).toBeLessThan(1e-9);
    expect(live.truePeakDbtp).toBe(offline.truePeakDbtp);
  });

  it('refuses an unknown device name with the list of available input devices', async () => {
    const err = await openCapture({ device: 'Nonexistent Interface 2ch', launch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AmaError', code: 'BAD_OPTION' });
    expect((err as Error).message).toMatch(/^No input device named "Nonexistent Interface 2ch"\. Available: \d+ fakecapture \(ALSA, \d+ ch, \d+ Hz\), \d+ default \(ALSA, \d+ ch, \d+ Hz, default\)\.$/);
    const byIndex = await openCapture({ device: 99, launch }).catch((e: unknown) => e);
    expect((byIndex as Error).message).toMatch(/^No input device has index 99\. Available: .*fakecapture/);
  });

  it('refuses bad options all at once, before starting anything', async () => {
    const err = await openCapture({ device: 'fakecapture', sampleRate: 1000, channels: 0, framesPerBuffer: 10, launch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_OPTION' });
    expect((err as Error).message).toContain('sampleRate: must be an integer within [8000, 384000], got 1000');
    expect((err as Error).message).toContain('channels: must be an integer within [1, 32], got 0');
    expect((err as Error).message).toContain('framesPerBuffer: must be an integer within [64, 16384], got 10');
  });

  it('ama devices prints a table and JSON', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await runDevices({ json: true, launch })).toBe(0);
      expect(await runDevices({ launch })).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const json = JSON.parse(out[0]) as Array<Record<string, unknown>>;
    expect(json.find((d) => d.name === 'fakecapture')).toMatchObject({ hostApi: 'ALSA', index: expect.any(Number), maxInputChannels: expect.any(Number), defaultSampleRate: expect.any(Number) });
    expect(out[1]).toMatch(/index\s+name\s+host API\s+channels\s+default rate/);
    expect(out[1]).toMatch(/\d+\s+fakecapture\s+ALSA\s+\d+\s+\d+ Hz/);
  });
});

function splitBlocks(x: AudioBlock, size: number): AudioBlock[] {
  const out: AudioBlock[] = [];
  for (let i = 0; i < x[0].length; i += size) out.push(x.map((ch) => ch.subarray(i, Math.min(i + size, ch.length))));
  return out;
}

describe('the capture process and the life of ama', () => {
  const script = path.join(ROOT, 'test/fixtures/captureExit.ts');
  const env = { ALSA_CONFIG_PATH: ALSA_FILE_CONF, CAPTURE_RAW: at('programme.f32') };
  const node = (mode: string) => run(process.execPath, [...tsCaptureLaunch({}).execArgv!, script, mode], env);

  it('after an abort nothing is left running: the process exits by itself', async () => {
    const t0 = Date.now();
    const r = await node('abort');
    expect(r.stdout).toBe('read 20 blocks, state stopped, events stopped\n');
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('a capture whose process died keeps ama alive, restarts it, and reads on', async () => {
    const r = await node('crash');
    expect(r.stdout).toMatch(/^read (2[5-9]|[3-9]\d) blocks, state stopped, events lost retrying resumed stopped\n$/);
    expect(r.code).toBe(0);
  });

  it('a capture process never outlives ama, even when ama exits without closing it', async () => {
    const r = await node('exit');
    expect(r.code).toBe(0);
    const pids = /children ([\d\n]+)/.exec(r.stdout)![1].split('\n').filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThan(0);
    const alive = () => pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    const until = Date.now() + 5000;
    while (alive().length && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    expect(alive()).toEqual([]);
  });
});
