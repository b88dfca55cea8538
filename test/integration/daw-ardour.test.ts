import dgram from 'node:dgram';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditLog, replayAudit, AuditLog } from '../../src/daw/audit.js';
import { DawBridge } from '../../src/daw/bridge.js';
import { loadMapping } from '../../src/daw/mapping.js';
import { DawPusher } from '../../src/daw/pusher.js';
import type { OscMessage } from '../../src/transport/osc/codec.js';
import { SuggestionBoard } from '../../src/suggest/board.js';
import type { Suggestion } from '../../src/suggest/types.js';
import { spawn } from 'node:child_process';
import { AMA_BIN, run, skipWithout } from '../helpers/cli.js';
import { ArdourRig, freeUdpPort } from './ardourRig.js';

// Against a real Ardour 7.3 (headless, ardour7-lua): ACE EQ then ACE Compressor on the master bus.
// The truth is Ardour's own Lua state dump (serve-master.lua) and an independent OSC query made
// with osc-js directly, not ama's code.

const skip = await skipWithout('ardour7-lua', 'oscsend');
const OSC = createRequire(import.meta.url)('osc-js');

const base = { agent: 'eq' as const, scope: 'master' as const, confidence: 0.8, rationale: 'test', evidence: {} };
const EQ: Suggestion = { ...base, key: 'eq:master:peaking@250Hz', kind: 'eqBand', params: { type: 'peaking', frequencyHz: 250, gainDb: -2.5, q: 1.4 } };
const COMP: Suggestion = { ...base, agent: 'dynamics', key: 'dynamics:master:compressor', kind: 'compressor', params: { thresholdDb: -70, ratio: 3, attackMs: 15, releaseMs: 120, kneeDb: 2, makeupDb: 1.5 } };
const GAIN: Suggestion = { ...base, agent: 'loudness', key: 'loudness:master:gain', kind: 'gain', params: { gainDb: -3 } };
const BAL: Suggestion = { ...base, agent: 'stereo', key: 'stereo:master:balance', kind: 'balance', params: { balanceDb: 2 } };
const UNAPPROVED: Suggestion = { ...base, key: 'eq:master:peaking@4000Hz', kind: 'eqBand', params: { type: 'peaking', frequencyHz: 4000, gainDb: 3, q: 1 } };
const WIDTH: Suggestion = { ...base, agent: 'stereo', key: 'stereo:master:width', kind: 'width', params: { lowHz: 200, highHz: 2000, sideGainDb: 2 } };

/** Asks Ardour for the master gain with a fresh socket and osc-js (independent of ama's OSC code). */
async function independentMasterGain(port: number): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    const got = new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no /master/gain from Ardour')), 3000);
      s.on('message', (buf) => {
        const p = new OSC.Packet();
        p.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
        if (p.value.address === '/master/gain') {
          clearTimeout(t);
          resolve(Number(p.value.args[0]));
        }
      });
    });
    const m = new OSC.TypedMessage('/set_surface', [0, 191, 16403, 0, 0, 0, 0].map((v) => ({ type: 'i', value: v })));
    s.send(Buffer.from(m.pack()), port, '127.0.0.1');
    return await got;
  } finally {
    s.close();
  }
}

describe.skipIf(skip)('DAW push against a real Ardour 7.3', () => {
  const rig = new ArdourRig();
  const auditFile = path.join(os.tmpdir(), `ama-audit-${process.pid}.jsonl`);
  const sent: OscMessage[] = [];
  let pusher: DawPusher;
  let board: SuggestionBoard;
  let bridge: DawBridge;
  let now = 1_000_000;

  beforeAll(async () => {
    await rig.start();
    fs.rmSync(auditFile, { force: true });
    const audit = new AuditLog(auditFile);
    pusher = new DawPusher(loadMapping('ardour'), { port: rig.port, audit, onSend: (m) => sent.push(m) });
    await pusher.start(0);
    board = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
    bridge = new DawBridge(board, pusher, { audit, now: () => now });
    board.onChange(() => bridge.observe(board.items()));
    board.update([EQ, COMP, GAIN, BAL, UNAPPROVED, WIDTH], now);
  }, 120_000);

  afterAll(async () => {
    await pusher?.stop();
    await rig.stop();
    fs.rmSync(auditFile, { force: true });
  }, 30_000);

  const stateOf = (key: string) => board.items().find((i) => i.suggestion.key === key)!;
  const act = async (cmd: 'approve' | 'reject' | 'undo', key: string) => {
    now += 1000;
    const r = bridge.command(cmd, key);
    await bridge.settled();
    return r;
  };

  it('reports the running Ardour as reachable', () => {
    expect(pusher.status()).toMatchObject({ daw: 'ardour', reachable: true });
  });

  it('approving a master gain proposal sets the master fader (Lua state and OSC read-back)', async () => {
    const before = rig.latest();
    expect(before.masterGainDb).toBeCloseTo(0, 2);
    expect((await act('approve', GAIN.key)).ok).toBe(true);
    expect(stateOf(GAIN.key).state).toBe('applied');
    const s = await rig.until((x) => Math.abs(x.masterGainDb + 3) < 0.01, 'master gain -3 dB');
    expect(s.masterGainDb).toBeCloseTo(-3, 2);
    expect(await independentMasterGain(rig.port)).toBeCloseTo(-3, 2);
  });

  it('approving an EQ band sets the nearest free peaking band of ACE EQ on the master, switched on', async () => {
    expect((await act('approve', EQ.key)).ok).toBe(true);
    const item = stateOf(EQ.key);
    expect(item.state).toBe('applied');
    expect(item.message).toMatch(/ACE EQ band 1/);
    const bwOct = (2 / Math.LN2) * Math.asinh(1 / (2 * 1.4)); // RBJ Q -> bandwidth in octaves
    const s = await rig.until((x) => Math.abs(rig.param(0, 'Gain 1', x) + 2.5) < 0.01, 'ACE EQ Gain 1 = -2.5');
    expect(rig.param(0, 'Frequency 1', s)).toBeCloseTo(250, 1);
    expect(rig.param(0, 'Bandwidth 1', s)).toBeCloseTo(bwOct, 3);
    expect(rig.param(0, 'Filter 1', s)).toBe(1);
    expect(rig.param(0, 'Frequency 2', s)).toBe(1000); // other bands untouched
    expect(rig.param(0, 'Gain 2', s)).toBe(0);
  });

  it('approving a compressor proposal sets ACE Compressor, clamping an out-of-range threshold and saying so', async () => {
    expect((await act('approve', COMP.key)).ok).toBe(true);
    const item = stateOf(COMP.key);
    expect(item.state).toBe('applied');
    expect(item.message).toMatch(/threshold clamped from -70 to -60 dB/);
    const s = await rig.until((x) => Math.abs(rig.param(1, 'Ratio', x) - 3) < 0.001, 'ACE Compressor ratio 3');
    expect(rig.param(1, 'Threshold', s)).toBeCloseTo(-60, 3);
    expect(rig.param(1, 'Attack', s)).toBeCloseTo(15, 3);
    expect(rig.param(1, 'Release', s)).toBeCloseTo(120, 2);
    expect(rig.param(1, 'Knee', s)).toBeCloseTo(2, 3);
    expect(rig.param(1, 'Makeup', s)).toBeCloseTo(1.5, 3);
  });

  it('a rejected and an unapproved proposal cause no write; a not-pushable kind fails without writing', async () => {
    const sentBefore = sent.length;
    const stateBefore = rig.latest();
    const linesBefore = rig.states().length;
    expect((await act('reject', BAL.key)).ok).toBe(true);
    expect((await act('approve', BAL.key)).ok).toBe(false); // rejected: the board refuses, nothing reaches Ardour
    expect((await act('undo', UNAPPROVED.key)).ok).toBe(false);
    expect(stateOf(UNAPPROVED.key).state).toBe('proposed');
    expect(sent.length).toBe(sentBefore);
    expect((await act('approve', WIDTH.key)).ok).toBe(true);
    expect(stateOf(WIDTH.key).state).toBe('failed');
    expect(stateOf(WIDTH.key).message).toMatch(/not pushable/);
    expect(sent.length).toBe(sentBefore);
    await new Promise((r) => setTimeout(r, 600)); // two Lua polls
    expect(rig.states().length).toBe(linesBefore);
    expect(rig.latest()).toEqual(stateBefore);
    expect(rig.latest().masterPan).toBeCloseTo(0.5, 3);
  });

  it('undo restores what was read before each push (Lua state and OSC read-back)', async () => {
    for (const k of [COMP.key, EQ.key, GAIN.key]) {
      expect((await act('undo', k)).ok).toBe(true);
      expect(stateOf(k).state).toBe('undone');
    }
    const s = await rig.until((x) => Math.abs(x.masterGainDb) < 0.01 && rig.param(0, 'Gain 1', x) === 0 && rig.param(1, 'Ratio', x) === 4, 'every value back');
    expect(rig.param(0, 'Frequency 1', s)).toBe(300);
    expect(rig.param(0, 'Bandwidth 1', s)).toBe(1);
    expect(rig.param(1, 'Threshold', s)).toBe(0);
    expect(rig.param(1, 'Attack', s)).toBe(10);
    expect(rig.param(1, 'Release', s)).toBe(80);
    expect(rig.param(1, 'Makeup', s)).toBe(0);
    expect(await independentMasterGain(rig.port)).toBeCloseTo(0, 2);
  });

  it('the audit log replays to every change, each undone', () => {
    const { entries, problems } = readAuditLog(auditFile);
    expect(problems).toEqual([]);
    const pushes = entries.filter((e) => e.event === 'push');
    expect(pushes.map((p) => p.event === 'push' && p.outcome)).toEqual(['applied', 'applied', 'applied']);
    const r = replayAudit(entries);
    const gain = r.changes.find((c) => c.control === 'master volume')!;
    expect(gain.from).toBeCloseTo(0, 2);
    expect(gain.to).toBeCloseTo(-3, 2);
    expect(gain.undoneAt).not.toBeNull();
    for (const n of r.net) expect(Math.abs((n.now ?? 0) - (n.original ?? 0))).toBeLessThan(0.06);
    expect(entries.some((e) => e.event === 'refused' && e.key === WIDTH.key)).toBe(true);
    expect(entries.some((e) => e.event === 'command' && e.command === 'reject' && e.key === BAL.key)).toBe(true);
  });

  it('end to end: ama demo --daw ardour, approve and undo from a control surface (oscsend)', async () => {
    const surfacePort = await freeUdpPort();
    const log = path.join(os.tmpdir(), `ama-e2e-${process.pid}.jsonl`);
    const child = spawn(process.execPath, [AMA_BIN, 'demo', '--no-dashboard', '--json', '--no-ws', '--seconds', '40', '--daw', 'ardour', '--daw-port', String(rig.port), '--audit-log', log, '--surface-port', String(surfacePort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const lastItems = () => {
      const lines = out.split('\n').filter((l) => l.includes('"type":"suggestions"'));
      return lines.length ? (JSON.parse(lines[lines.length - 1]) as { items: Array<{ suggestion: { key: string }; state: string; message?: string }> }).items : [];
    };
    const waitOut = async (ok: () => boolean, what: string) => {
      const end = Date.now() + 30_000;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    try {
      await waitOut(() => /"daw":\{"daw":"ardour"[^}]*"reachable":true/.test(out), 'a status with Ardour reachable');
      await waitOut(() => lastItems().some((i) => i.suggestion.key === 'dynamics:master:compressor' && i.state === 'proposed'), 'the compressor proposal');
      await run('oscsend', ['127.0.0.1', String(surfacePort), '/ama/approve', 's', 'dynamics:master:compressor']);
      await waitOut(() => lastItems().some((i) => i.suggestion.key === 'dynamics:master:compressor' && i.state === 'applied'), 'applied');
      await rig.until((x) => rig.param(1, 'Ratio', x) !== 4, 'the compressor to change');
      await run('oscsend', ['127.0.0.1', String(surfacePort), '/ama/undo', 's', 'dynamics:master:compressor']);
      await rig.until((x) => rig.param(1, 'Ratio', x) === 4 && rig.param(1, 'Threshold', x) === 0, 'the compressor restored');
      const { entries } = readAuditLog(log);
      expect(entries.some((e) => e.event === 'push' && e.outcome === 'applied')).toBe(true);
      expect(entries.some((e) => e.event === 'undo' && e.outcome === 'restored')).toBe(true);
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(log, { force: true });
    }
  }, 90_000);

  it('an Ardour that is not running is reported unreachable, and a push fails without crashing', async () => {
    const dead = new DawPusher(loadMapping('ardour'), { port: await freeUdpPort() });
    await dead.start(0);
    try {
      expect(dead.status().reachable).toBe(false);
      const r = await dead.push(GAIN);
      expect(r.outcome).toBe('failed');
      expect(r.message).toMatch(/did not answer.*nothing was written/);
    } finally {
      await dead.stop();
    }
  });
});
