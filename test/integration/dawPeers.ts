import dgram from 'node:dgram';
import { createRequire } from 'node:module';

// In-process stand-ins for REAPER (OSC control surface with ama.ReaperOSC) and Ableton Live
// (AbletonOSC), written from the documented address spaces in DESIGN.md and the DAWs' docs:
// their own state, value ranges, argument types and reply behaviour. They use osc-js directly,
// not ama's OSC code.

const OSC = createRequire(import.meta.url)('osc-js');

/** One received message, as the peer saw it. */
export interface PeerMessage { address: string; types: string; args: Array<number | string> }

abstract class Peer {
  protected readonly socket = dgram.createSocket('udp4');
  readonly received: PeerMessage[] = [];
  readonly errors: string[] = [];
  /** Addresses the peer receives but never answers (a missing reply). */
  silent = new Set<string>();
  /** Addresses whose writes the peer ignores (the value does not take). */
  ignoreWrites = new Set<string>();
  port = 0;

  async start(): Promise<number> {
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    this.port = this.socket.address().port;
    this.socket.on('message', (buf, rinfo) => {
      const p = new OSC.Packet();
      try {
        p.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
      } catch {
        return;
      }
      const m = p.value as { address: string; types: string; args: unknown[] };
      const msg = { address: m.address, types: m.types.replace(/^,/, ''), args: m.args.map((a) => (typeof a === 'bigint' ? Number(a) : (a as number | string))) };
      this.received.push(msg);
      this.handle(msg, rinfo);
    });
    return this.port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }

  protected abstract handle(m: PeerMessage, from: dgram.RemoteInfo): void;

  protected send(host: string, port: number, address: string, args: Array<[string, number | string]>): void {
    const msg = new OSC.TypedMessage(address, args.map(([type, value]) => ({ type, value })));
    this.socket.send(Buffer.from(msg.pack()), port, host);
  }
}

/**
 * REAPER with ama.ReaperOSC: listens on its local port, sends feedback to the configured device
 * port. Values: `f/.../db` raw dB, `n/...` normalized 0..1 (clamped by REAPER), ReaEQ fxeq in Hz,
 * dB and octaves within ReaEQ's ranges. `/action i 41743` (refresh all surfaces) makes it send
 * every value. Values must be floats: an int32 value is ignored.
 */
export class ReaperPeer extends Peer {
  masterVolumeDb = 0;
  masterPan = 0.5;
  /** ReaEQ defaults: low shelf, two bands, high shelf, high-pass. */
  eq: Record<string, { freq: number; gain: number; q: number; bypass: number }> = {
    hipass: { freq: 20, gain: 0, q: 0.7, bypass: 1 }, loshelf: { freq: 100, gain: 0, q: 2, bypass: 0 },
    'band/1': { freq: 400, gain: 0, q: 2, bypass: 0 }, 'band/2': { freq: 2500, gain: 0, q: 2, bypass: 0 },
    hishelf: { freq: 8000, gain: 0, q: 2, bypass: 0 },
  };
  fx = [{ name: 'VST: ReaEQ (Cockos)', params: [] as number[] }, { name: 'VST: ReaComp (Cockos)', params: [1, 0.5, 0.006, 0.02, 0, 0] }];

  constructor(private readonly devicePort: number) {
    super();
  }

  protected handle(m: PeerMessage, from: dgram.RemoteInfo): void {
    if (m.address === '/action' && m.types === 'i' && m.args[0] === 41743) {
      if (!this.silent.has('/action')) this.refresh(from.address);
      return;
    }
    if (m.types !== 'f') return this.void(`${m.address}: ignored, value type ${m.types}`);
    if (this.ignoreWrites.has(m.address)) return;
    const v = Number(m.args[0]);
    let r: RegExpExecArray | null;
    if (m.address === '/master/volume/db') this.masterVolumeDb = Math.min(12, Math.max(-150, v));
    else if (m.address === '/master/pan') this.masterPan = Math.min(1, Math.max(0, v));
    else if ((r = /^\/master\/fxeq\/(hipass|loshelf|hishelf|band\/\d+)\/(freq\/hz|gain\/db|q\/oct|bypass)$/.exec(m.address))) {
      const band = this.eq[r[1]];
      if (!band) return this.void(`${m.address}: no such band (DEVICE_EQ EXISTING: nothing inserted)`);
      if (r[2] === 'freq/hz') band.freq = Math.min(24000, Math.max(20, v));
      else if (r[2] === 'gain/db') band.gain = Math.min(24, Math.max(-150, v));
      else if (r[2] === 'q/oct') band.q = Math.min(4, Math.max(0.01, v));
      else band.bypass = v >= 0.5 ? 1 : 0;
    } else if ((r = /^\/master\/fx\/(\d+)\/fxparam\/(\d+)\/value$/.exec(m.address))) {
      const fx = this.fx[Number(r[1]) - 1];
      if (!fx || Number(r[2]) < 1 || Number(r[2]) > fx.params.length) return this.void(`${m.address}: no such parameter`);
      fx.params[Number(r[2]) - 1] = Math.min(1, Math.max(0, v));
    } else this.void(`${m.address}: not in the pattern file`);
  }

  private void(e: string): void {
    this.errors.push(e);
  }

  private refresh(host: string): void {
    const out = (a: string, t: string, v: number | string) => this.send(host, this.devicePort, a, [[t, v]]);
    out('/master/volume/db', 'f', this.masterVolumeDb);
    out('/master/pan', 'f', this.masterPan);
    for (const [k, b] of Object.entries(this.eq)) {
      out(`/master/fxeq/${k}/freq/hz`, 'f', b.freq);
      if (k !== 'hipass') out(`/master/fxeq/${k}/gain/db`, 'f', b.gain);
      if (k === 'hipass' || k.startsWith('band')) out(`/master/fxeq/${k}/q/oct`, 'f', b.q);
      out(`/master/fxeq/${k}/bypass`, 'f', b.bypass);
    }
    this.fx.forEach((fx, i) => {
      out(`/master/fx/${i + 1}/name`, 's', fx.name);
      fx.params.forEach((p, j) => out(`/master/fx/${i + 1}/fxparam/${j + 1}/value`, 'f', p));
    });
  }
}

/** EQ Eight's parameters as Live lists them: Device On, then per band Filter On, Filter Type, Frequency, Gain, Resonance. */
function eqEightParams(): Array<{ name: string; min: number; max: number; value: number }> {
  const out = [{ name: 'Device On', min: 0, max: 1, value: 1 }];
  for (let b = 1; b <= 8; b++) {
    out.push(
      { name: `${b} Filter On A`, min: 0, max: 1, value: b === 1 || b === 8 ? 0 : 1 },
      { name: `${b} Filter Type A`, min: 0, max: 7, value: b === 1 ? 1 : b === 8 ? 6 : 3 },
      { name: `${b} Frequency A`, min: 0, max: 1, value: b / 9 },
      { name: `${b} Gain A`, min: -15, max: 15, value: 0 },
      { name: `${b} Resonance A`, min: 0, max: 1, value: 0.5 },
    );
  }
  return out.concat([{ name: 'Scale', min: -2, max: 2, value: 1 }, { name: 'Output Gain', min: -12, max: 12, value: 0 }]);
}

/**
 * Ableton Live through AbletonOSC: listens on its port, replies to the sender's IP on the reply
 * port (11001 in Live; configurable here). Track volume is a 0..1 fader (0.85 = 0 dB), panning
 * -1..1; device parameters take values within their own min..max, and an out-of-range value is
 * refused with /live/error (Live raises), leaving the parameter unchanged. No master-track access.
 */
export class AbletonPeer extends Peer {
  tracks = [{ volume: 0.85, panning: 0, devices: [{ className: 'Eq8', params: eqEightParams() }] }];

  constructor(private readonly replyPort: number) {
    super();
  }

  protected handle(m: PeerMessage, from: dgram.RemoteInfo): void {
    if (this.silent.has(m.address)) return;
    const reply = (address: string, args: Array<[string, number | string]>) => this.send(from.address, this.replyPort, address, args);
    const err = (text: string) => {
      this.errors.push(text);
      reply('/live/error', [['s', text]]);
    };
    const a = m.args;
    const track = typeof a[0] === 'number' ? this.tracks[a[0]] : undefined;
    switch (m.address) {
      case '/live/test': return reply('/live/test', [['s', 'ok']]);
      case '/live/track/get/volume': return track ? reply(m.address, [['i', a[0]], ['f', track.volume]]) : err('no such track');
      case '/live/track/get/panning': return track ? reply(m.address, [['i', a[0]], ['f', track.panning]]) : err('no such track');
      case '/live/track/set/volume': case '/live/track/set/panning': {
        if (m.types !== 'if' || !track) return err(`${m.address}: expected i f, got ${m.types}`);
        const v = Number(a[1]);
        if (m.address.endsWith('volume')) {
          if (v < 0 || v > 1) return err('volume out of range');
          if (!this.ignoreWrites.has(m.address)) track.volume = v;
        } else {
          if (v < -1 || v > 1) return err('panning out of range');
          if (!this.ignoreWrites.has(m.address)) track.panning = v;
        }
        return;
      }
      case '/live/track/get/devices/class_name':
        return track ? reply(m.address, [['i', a[0]], ...track.devices.map((d) => ['s', d.className] as [string, string])]) : err('no such track');
      case '/live/device/get/parameters/name': {
        const d = track?.devices[Number(a[1])];
        return d ? reply(m.address, [['i', a[0]], ['i', a[1]], ...d.params.map((p) => ['s', p.name] as [string, string])]) : err('no such device');
      }
      case '/live/device/get/parameter/value': {
        const p = track?.devices[Number(a[1])]?.params[Number(a[2])];
        return p ? reply(m.address, [['i', a[0]], ['i', a[1]], ['i', a[2]], ['f', p.value]]) : err('no such parameter');
      }
      case '/live/device/set/parameter/value': {
        if (m.types !== 'iiif') return err(`${m.address}: expected i i i f, got ${m.types}`);
        const p = track?.devices[Number(a[1])]?.params[Number(a[2])];
        if (!p) return err('no such parameter');
        const v = Number(a[3]);
        if (v < p.min || v > p.max) return err(`Invalid value ${v} for ${p.name}: range ${p.min}..${p.max}`);
        if (!this.ignoreWrites.has(m.address)) p.value = v;
        return;
      }
      default: return err(`Unknown OSC address: ${m.address}`);
    }
  }

  param(name: string): number {
    return this.tracks[0].devices[0].params.find((p) => p.name === name)!.value;
  }
}
