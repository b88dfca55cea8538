import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboundMessageSchema } from '../../src/transport/ws/protocolSchemas.js';
import { AMA_BIN, ama } from '../helpers/cli.js';

// `ama demo` for scripts: the live path over the demo mix, as JSON lines (the feed's messages), and
// what it does without a terminal. The cache (demo material, reference profiles) is a temp folder.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const env = { AMA_CACHE_DIR: path.join(dir, 'cache') };
type Msg = { type: string; t?: number; [k: string]: unknown };
const parse = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Msg);

describe('ama demo --no-dashboard --json', () => {
  it('emits valid JSON lines of every message type, meters with the loudness fields of ama analyze --json', async () => {
    const r = await ama(['demo', '--no-dashboard', '--json', '--seconds', '8', '--fast', '--ws-port', '0'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = parse(r.stdout);
    for (const m of lines) expect(OutboundMessageSchema.safeParse(m).success, JSON.stringify(m).slice(0, 300)).toBe(true);
    expect(lines[0]).toMatchObject({ type: 'hello', source: { kind: 'demo', name: 'demo-mix.wav', sampleRateHz: 48000, channels: 2 } });
    const count = (type: string) => lines.filter((m) => m.type === type).length;
    expect(count('meter')).toBe(80); // 10 Hz of audio time
    expect(count('profile')).toBe(8); // every second of audio time when unpaced
    expect(count('status')).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatchObject({ type: 'notice', code: 'SHUTDOWN' });
    const suggestions = lines.filter((m) => m.type === 'suggestions') as Array<Msg & { items: Array<{ state: string; suggestion: { key: string } }> }>;
    expect(suggestions.at(-1)!.items.length).toBeGreaterThan(2); // the faulty demo mix draws proposals
    expect(suggestions.at(-1)!.items.some((i) => i.suggestion.key.startsWith('eq:'))).toBe(true);
    // The meter's loudness object: exactly the fields of `ama analyze --json`, plus the current M and S.
    const analyzed = await ama(['analyze', '--json', path.join(env.AMA_CACHE_DIR, 'demo-v1', 'demo-mix.wav')], env);
    const fields = Object.keys((JSON.parse(analyzed.stdout) as Array<{ loudness: object }>)[0].loudness);
    const meter = lines.find((m) => m.type === 'meter' && m.t === 8) as Msg & { loudness: Record<string, unknown> };
    expect(Object.keys(meter.loudness).sort()).toEqual([...fields, 'momentaryLufs', 'shortTermLufs'].sort());
    const profile = lines.filter((m) => m.type === 'profile').at(-1) as Msg & { window: { sec: number }; comparison: { basis: string; tonal: unknown[] } };
    expect(profile).toMatchObject({ t: 8, window: { sec: 30 }, comparison: { basis: 'window' } });
    expect(profile.comparison.tonal.length).toBeGreaterThan(25);
  });

  it('stops cleanly on SIGINT: exit code 0, a SHUTDOWN notice last', async () => {
    const child = spawn(process.execPath, [AMA_BIN, 'demo', '--no-dashboard', '--json', '--no-ws'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (/"type":"meter"/.test(d)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(parse(out).at(-1)).toMatchObject({ type: 'notice', code: 'SHUTDOWN' });
  });
});

describe('ama demo without a terminal', () => {
  it('prints the offline report and says how to run it live, so `npx ama demo` in a script ends', async () => {
    const r = await ama(['demo'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Integrated/);
    expect(r.stdout).toMatch(/This was the offline report\. In a terminal, "ama demo" plays the mix live/);
  });

  it('refuses bad options, naming each', async () => {
    const r = await ama(['demo', '--json', '--window', '0', '--ws-port', '70000', '--seconds', 'x'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--ws-port: must be a whole number within \[0, 65535\], got "70000"/);
    expect(r.stderr).toMatch(/--window: must be a number within \[1, 600\], got "0"/);
    expect(r.stderr).toMatch(/--seconds: must be a number/);
  });
});
