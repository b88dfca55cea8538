import { afterEach, describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/daw/mapping.js';
import type { Mapping } from '../../src/daw/mappingSchema.js';
import { DawPusher } from '../../src/daw/pusher.js';
import type { Suggestion } from '../../src/suggest/types.js';
import { AbletonPeer, ReaperPeer } from './dawPeers.js';
import { freeUdpPort } from './ardourRig.js';

// The REAPER and AbletonOSC mappings against in-process peers that implement the documented
// address spaces, ranges and reply behaviour (test/integration/dawPeers.ts).

const base = { agent: 'eq' as const, scope: 'master' as const, confidence: 0.8, rationale: 'test', evidence: {} };
const gain = (gainDb: number): Suggestion => ({ ...base, agent: 'loudness', key: 'loudness:master:gain', kind: 'gain', params: { gainDb } });
const band = (frequencyHz: number, gainDb: number, q = 1): Suggestion => ({ ...base, key: `eq:master:peaking@${frequencyHz}Hz`, kind: 'eqBand', params: { type: 'peaking', frequencyHz, gainDb, q } });
const octaves = (q: number) => (2 / Math.LN2) * Math.asinh(1 / (2 * q)); // RBJ Q -> bandwidth, octaves

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The shipped mapping with the reply port moved to a free one (REAPER's 9000 and Live's 11001 may be taken here). */
async function withReplyPort(name: string): Promise<Mapping> {
  const m = loadMapping(name);
  return { ...m, transport: { ...m.transport, replyPort: await freeUdpPort() } };
}

describe('REAPER mapping against a REAPER-like peer (ama.ReaperOSC address space)', () => {
  async function rig() {
    const mapping = await withReplyPort('reaper');
    const peer = new ReaperPeer(mapping.transport.replyPort);
    await peer.start();
    const pusher = new DawPusher(mapping, { port: peer.port });
    await pusher.start(0);
    cleanup.push(() => peer.stop(), () => pusher.stop());
    return { peer, pusher };
  }

  it('pushes a master gain as raw dB, read back through a surface refresh, and undoes it', async () => {
    const { peer, pusher } = await rig();
    expect(pusher.status().reachable).toBe(true);
    const r = await pusher.push(gain(-3.5));
    expect(r).toMatchObject({ outcome: 'applied' });
    expect(peer.masterVolumeDb).toBeCloseTo(-3.5, 5);
    const w = peer.received.find((m) => m.address === '/master/volume/db');
    expect(w?.types).toBe('f');
    expect((await pusher.undo('loudness:master:gain')).outcome).toBe('restored');
    expect(peer.masterVolumeDb).toBe(0);
  });

  it('sets the nearest free ReaEQ band through the raw-unit fxeq messages, and clamps an out-of-range gain', async () => {
    const { peer, pusher } = await rig();
    const r = await pusher.push(band(500, 30, 2));
    expect(r.outcome).toBe('applied');
    expect(r.message).toMatch(/ReaEQ band 1/);
    expect(r.message).toMatch(/gain clamped from 30 to 24 dB/);
    expect(peer.eq['band/1']).toMatchObject({ freq: 500, gain: 24, bypass: 0 });
    expect(peer.eq['band/1'].q).toBeCloseTo(octaves(2), 5);
    expect(peer.eq['band/2'].gain).toBe(0);
    expect(peer.errors).toEqual([]);
  });

  it('finds ReaComp by name and writes its normalized threshold (amplitude: 1.0 = 0 dB)', async () => {
    const { peer, pusher } = await rig();
    const comp: Suggestion = { ...base, agent: 'dynamics', key: 'dynamics:master:compressor', kind: 'compressor', params: { thresholdDb: -12, ratio: 2, attackMs: 10, releaseMs: 100, kneeDb: 3, makeupDb: 0 } };
    const r = await pusher.push(comp);
    expect(r.outcome).toBe('applied');
    expect(peer.fx[1].params[0]).toBeCloseTo(10 ** (-12 / 20), 5);
    expect((await pusher.undo(comp.key)).outcome).toBe('restored');
    expect(peer.fx[1].params[0]).toBeCloseTo(1, 6);
  });

  it('a value that does not take fails with the values, and undo restores what was read', async () => {
    const { peer, pusher } = await rig();
    peer.ignoreWrites.add('/master/pan');
    peer.masterPan = 0.6;
    const bal: Suggestion = { ...base, agent: 'stereo', key: 'stereo:master:balance', kind: 'balance', params: { balanceDb: -3 } };
    const r = await pusher.push(bal);
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/master balance: sent -?\d+(\.\d+)?, read back/);
    peer.ignoreWrites.clear();
    peer.masterPan = 0.2; // someone moved it meanwhile; undo puts back the value read before the push
    expect((await pusher.undo(bal.key)).outcome).toBe('restored');
    expect(peer.masterPan).toBeCloseTo(0.6, 6);
  });

  it('a REAPER that does not answer: unreachable, the push fails and nothing is written', async () => {
    const { peer, pusher } = await rig();
    peer.silent.add('/action');
    const r = await pusher.push(gain(-2));
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/REAPER did not answer/);
    expect(pusher.status().reachable).toBe(false);
    expect(peer.received.filter((m) => m.address !== '/action')).toEqual([]);
    expect(peer.masterVolumeDb).toBe(0);
  });
});

describe('Ableton mapping against an AbletonOSC-like peer', () => {
  async function rig() {
    const mapping = await withReplyPort('ableton');
    const peer = new AbletonPeer(mapping.transport.replyPort);
    await peer.start();
    const pusher = new DawPusher(mapping, { port: peer.port });
    await pusher.start(0);
    cleanup.push(() => peer.stop(), () => pusher.stop());
    return { peer, pusher };
  }

  it('reads the fader at 0.85 as 0 dB, lowers it, and undo puts back exactly 0.85', async () => {
    const { peer, pusher } = await rig();
    const r = await pusher.push(gain(-6));
    expect(r.outcome).toBe('applied');
    expect(r.message).toMatch(/master volume 0→-6/);
    expect(peer.tracks[0].volume).toBeGreaterThan(0.5);
    expect(peer.tracks[0].volume).toBeLessThan(0.85);
    expect(peer.received.find((m) => m.address === '/live/track/set/volume')?.types).toBe('if');
    expect((await pusher.undo('loudness:master:gain')).outcome).toBe('restored');
    expect(peer.tracks[0].volume).toBeCloseTo(0.85, 6);
  });

  it('resolves EQ Eight parameters by name, clamps +20 dB to the band gain range, and Live raises no error', async () => {
    const { peer, pusher } = await rig();
    const r = await pusher.push(band(1000, 20));
    expect(r.outcome).toBe('applied');
    expect(r.message).toMatch(/clamped from 20 to 15 dB/);
    const b = /Eq8 band (\d+)/.exec(r.message)![1];
    expect(peer.param(`${b} Gain A`)).toBe(15);
    expect(peer.param(`${b} Filter On A`)).toBe(1);
    expect(peer.param(`${b} Filter Type A`)).toBe(3); // Bell
    const f = peer.param(`${b} Frequency A`);
    expect(f).toBeGreaterThan(0);
    expect(f).toBeLessThan(1);
    expect(peer.errors).toEqual([]);
    expect(peer.received.filter((m) => m.address === '/live/device/set/parameter/value').every((m) => m.types === 'iiif')).toBe(true);
  });

  it('a missing reply while reading fails the push before any write', async () => {
    const { peer, pusher } = await rig();
    peer.silent.add('/live/device/get/parameter/value');
    const r = await pusher.push(band(1000, 3));
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/did not answer when ama read .*nothing was written/);
    expect(peer.received.filter((m) => m.address.includes('/set/'))).toEqual([]);
  });

  it('no Live running: the status says unreachable and nothing crashes', async () => {
    const mapping = await withReplyPort('ableton');
    const pusher = new DawPusher(mapping, { port: await freeUdpPort() });
    await pusher.start(0);
    cleanup.push(() => pusher.stop());
    expect(pusher.status().reachable).toBe(false);
    expect((await pusher.push(gain(-1))).outcome).toBe('failed');
  });
});
