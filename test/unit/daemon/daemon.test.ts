import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CaptureSource, CaptureStats } from '../../../src/audio/capture/types.js';
import type { AudioBlock } from '../../../src/audio/types.js';
import { Daemon, type DaemonOptions } from '../../../src/daemon/daemon.js';
import { OutboundMessageSchema } from '../../../src/transport/ws/protocolSchemas.js';
import { whiteNoise } from '../analysis/profile/signals.js';
import { balancedRefs, targetOf } from '../suggest/fixtures.js';

const RATE = 48000;
const target = { target: targetOf(balancedRefs()), references: [], warnings: [] };

/** A source that yields `sec` of bright noise at once, then holds (as a live input) until closed or aborted; or fails when asked. */
class HeldSource implements CaptureSource {
  readonly format = { codec: 'pcm_f32le', container: 'none', sampleRate: RATE, channels: 2, durationSec: null, bitsPerSample: 32, layout: ['L', 'R'] as ['L', 'R'] };
  closed = false;
  private release: (() => void) | null = null;
  constructor(private readonly sec: number, private readonly failAfter = false) {}
  async *blocks(signal?: AbortSignal): AsyncIterable<AudioBlock> {
    const n = Math.round(this.sec * RATE);
    const l = whiteNoise(n, 1, 0.3), r = whiteNoise(n, 2, 0.3);
    for (let s = 0; s < n; s += 4800) yield [l.subarray(s, s + 4800), r.subarray(s, s + 4800)];
    if (this.failAfter) throw new Error('device unplugged');
    if (signal?.aborted || this.closed) return;
    await new Promise<void>((resolve) => { this.release = resolve; signal?.addEventListener('abort', () => resolve()); });
  }
  stats(): CaptureStats {
    return { state: this.closed ? 'stopped' : 'running', deviceName: 'held', hostApi: 'test', sampleRate: RATE, channels: 2, framesPerBuffer: 4800, overruns: 3, droppedFrames: 0, inputOverflows: 0, queuedBlocks: 0, queueCapacity: 10, deliveredFrames: 0, losses: 0, gapSec: 0 };
  }
  async close(): Promise<void> {
    this.closed = true;
    this.release?.();
  }
}

type Msg = { type: string; [k: string]: unknown };
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

function start(source: CaptureSource, extra: Partial<DaemonOptions> = {}) {
  const out = new PassThrough();
  let text = '';
  out.setEncoding('utf8').on('data', (d: string) => (text += d));
  const errLines: string[] = [];
  const err = new Writable({ write(chunk, _enc, cb) { errLines.push(String(chunk)); cb(); } });
  const daemon = new Daemon({
    source, sourceKind: 'file', refs: target, windowSec: 30, feed: null, output: 'json', unpaced: true, handleSignals: false,
    version: '0.0.0-test', out, err, ...extra,
  });
  daemons.push(daemon);
  const lines = () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Msg);
  return { daemon, lines, errLines };
}

async function until(cond: () => boolean, ms = 20000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Daemon', () => {
  it('prints the feed\'s messages as JSON lines: hello, status, meter, profile, suggestions, all valid', async () => {
    const { daemon, lines } = start(new HeldSource(6));
    await daemon.start();
    await until(() => lines().some((m) => m.type === 'profile' && m.t === 6));
    await daemon.stop();
    expect((await daemon.done()).exitCode).toBe(0);
    const all = lines();
    expect(all[0].type).toBe('hello');
    expect(all[0]).toMatchObject({ source: { kind: 'file', name: 'held', sampleRateHz: RATE, channels: 2 }, server: { name: 'ama', version: '0.0.0-test' } });
    for (const m of all) expect(OutboundMessageSchema.safeParse(m).success, JSON.stringify(m).slice(0, 300)).toBe(true);
    const types = new Set(all.map((m) => m.type));
    for (const t of ['hello', 'status', 'meter', 'profile', 'suggestions', 'notice']) expect(types, t).toContain(t);
    expect(all.filter((m) => m.type === 'meter')).toHaveLength(60);
    expect(all.find((m) => m.type === 'status')).toMatchObject({ device: 'held', overruns: 3, clients: 0 });
    // Proposals appear once stable (3 evaluations over 3 s of stream time, unpaced).
    const last = all.filter((m) => m.type === 'suggestions').at(-1) as Msg & { items: Array<{ state: string }> };
    expect(last.items.length).toBeGreaterThan(0);
    expect(last.items.every((i) => i.state === 'proposed')).toBe(true);
  });

  it('takes commands from the feed and shows the change on every output', async () => {
    const { daemon, lines } = start(new HeldSource(6), { feed: { host: '127.0.0.1', port: 0, token: null } });
    await daemon.start();
    await until(() => lines().some((m) => m.type === 'profile' && m.t === 6));
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.feedPort}`);
    const got: Msg[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
    await until(() => got.some((m) => m.type === 'suggestions'));
    expect(got[0].type).toBe('hello');
    const items = (got.find((m) => m.type === 'suggestions') as Msg & { items: Array<{ suggestion: { key: string } }> }).items;
    const key = items[0].suggestion.key;
    ws.send(JSON.stringify({ v: 1, type: 'command', id: 7, command: 'approve', key }));
    await until(() => got.some((m) => m.type === 'ack'));
    expect(got.find((m) => m.type === 'ack')).toMatchObject({ id: 7, command: 'approve', key, state: 'approved' });
    const approvedIn = (list: Msg[]) => list.some((m) => m.type === 'suggestions' && (m.items as Array<{ suggestion: { key: string }; state: string }>).some((i) => i.suggestion.key === key && i.state === 'approved'));
    await until(() => approvedIn(got) && approvedIn(lines()));
    // The dashboard's path (Daemon.command) refuses what the board refuses.
    expect(daemon.command('approve', key)).toMatchObject({ ok: false, code: 'BAD_STATE' });
    expect(daemon.command('undo', key)).toMatchObject({ ok: true, state: 'undone' });
    ws.close();
  });

  it('logs a failing output and goes on with the others', async () => {
    const broken = new Writable({ write(_c, _e, cb) { cb(); } });
    broken.write = () => { throw new Error('disk full'); };
    const { daemon, errLines } = start(new HeldSource(3), { out: broken, feed: { host: '127.0.0.1', port: 0, token: null } });
    await daemon.start();
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.feedPort}`);
    const got: Msg[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
    await until(() => got.some((m) => m.type === 'status') && errLines.some((l) => /JSON output failed \(disk full\); the daemon goes on/.test(l)));
    ws.close();
  });

  it('reports a source that fails, stops, and exits 1', async () => {
    const { daemon, errLines } = start(new HeldSource(1, true));
    await daemon.start();
    expect((await daemon.done()).exitCode).toBe(1);
    expect(errLines.join('')).toMatch(/the input failed: device unplugged/);
  });

  it('stops after stopAfterSec of audio with a last evaluation at that time, and closes the source', async () => {
    const source = new HeldSource(6);
    const { daemon, lines } = start(source, { stopAfterSec: 2.5 });
    await daemon.start();
    const r = await daemon.done();
    expect(r).toEqual({ exitCode: 0, streamSec: 2.5 });
    expect(source.closed).toBe(true);
    expect(lines().filter((m) => m.type === 'profile').at(-1)).toMatchObject({ t: 2.5 });
    expect(lines().at(-1)).toMatchObject({ type: 'notice', code: 'SHUTDOWN' });
  });

  it('goes on without the feed when its port is taken, and says so', async () => {
    const first = start(new HeldSource(1), { feed: { host: '127.0.0.1', port: 0, token: null } });
    await first.daemon.start();
    const second = start(new HeldSource(1), { feed: { host: '127.0.0.1', port: first.daemon.feedPort!, token: null } });
    await second.daemon.start();
    expect(second.daemon.feedPort).toBeNull();
    expect(second.errLines.join('')).toMatch(new RegExp(`Port ${first.daemon.feedPort} already in use: choose another with --ws-port; going on without the WebSocket feed`));
  });
});
