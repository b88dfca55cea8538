import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wavWriter.js';
import { OutboundMessageSchema } from '../../src/transport/ws/protocolSchemas.js';
import { ama } from '../helpers/cli.js';
import { ALSA_FILE_CONF, programme, writeRaw } from '../fixtures/captureRig.js';

// `ama listen` on real PortAudio capture: an ALSA `file` PCM (no sound card needed) plays a known
// file into the daemon, which must report the figures `ama analyze` gives for that file. The file
// PCM is not paced, hence --lossless (capture waits for the analysis; time is the audio's time).

const RATE = 48000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-listen-capture-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

const signal = programme(20, RATE);
writeRaw(at('programme.f32'), signal, 2 * RATE);
writeWav(at('programme.wav'), signal, RATE, { format: 'float32' });
const ref = programme(12, RATE);
writeWav(at('ref-a.wav'), ref, RATE, { format: 'float32' });
writeWav(at('ref-b.wav'), ref.map((ch) => ch.map((v) => v * 0.7)), RATE, { format: 'float32' });
const env = { AMA_CACHE_DIR: at('cache'), ALSA_CONFIG_PATH: ALSA_FILE_CONF, CAPTURE_RAW: at('programme.f32') };

type Msg = { type: string; t?: number; [k: string]: unknown };

/** Every number of `got` within `tol` of `want`, the same shape otherwise; returns the paths that differ. */
function differences(got: unknown, want: unknown, tol: number, where = ''): string[] {
  if (typeof want === 'number' && typeof got === 'number') return Math.abs(got - want) <= tol ? [] : [`${where}: ${got} != ${want}`];
  if (want && typeof want === 'object' && got && typeof got === 'object') {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].flatMap((k) => differences((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], tol, `${where}.${k}`));
  }
  return Object.is(got, want) ? [] : [`${where}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`];
}

describe('ama listen through PortAudio (ALSA file PCM)', () => {
  it('gives the integrated loudness, LRA and profile of `ama analyze` for the file it hears', async () => {
    const r = await ama([
      'listen', '--device', 'fakecapture', '--rate', String(RATE), '--channels', '2', '--lossless',
      '--ref', at('ref-a.wav'), '--ref', at('ref-b.wav'), '--no-dashboard', '--json', '--no-ws', '--seconds', '20',
    ], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Msg);
    for (const m of lines) expect(OutboundMessageSchema.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);
    const offline = await ama(['analyze', '--json', at('programme.wav')], env);
    const [analysis] = JSON.parse(offline.stdout) as Array<{ loudness: Record<string, unknown>; profile: unknown }>;
    const meters = lines.filter((m) => m.type === 'meter');
    expect(meters).toHaveLength(200);
    const last = meters.at(-1)! as Msg & { loudness: Record<string, unknown> };
    expect(last.t).toBe(20);
    // analyze --json rounds to 0.001; the feed does not.
    const { momentaryLufs: _m, shortTermLufs: _s, ...loudness } = last.loudness;
    expect(differences(loudness, analysis.loudness, 0.0011)).toEqual([]);
    const profile = lines.filter((m) => m.type === 'profile').at(-1)! as Msg & { session: { profile: unknown } };
    expect(profile.t).toBe(20);
    expect(differences(profile.session.profile, analysis.profile, 0.0011)).toEqual([]);
    const status = lines.filter((m) => m.type === 'status').at(-1)!;
    expect(status).toMatchObject({ device: 'fakecapture', sampleRateHz: RATE, channels: 2, overruns: 0 });
  });
});
