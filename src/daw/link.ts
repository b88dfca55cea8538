import { AmaError } from '../util/errors.js';
import { formatOsc, type OscArg, type OscMessage } from '../transport/osc/codec.js';
import { OscSocket } from '../transport/osc/udp.js';
import { decodeValue } from './encoding.js';
import type { Encoding, Listing, Mapping, ReadSpec, Template } from './mappingSchema.js';

/** Run-time values the templates name in braces. */
export type Vars = Record<string, number | string>;

/** One entry of a listing: a plugin on the master or a plugin's parameter. */
export interface Listed { index: number; name: string; min?: number; max?: number }

/** A value read from the DAW: what came on the wire and its value in ama's unit. */
export interface ReadValue { wire: number | string; value: number; message: string }

const PLACEHOLDER = /^\{(\w+)\}$/;

/** A template with the variables filled in, as a typed OSC message. */
export function fillTemplate(t: Template, vars: Vars): OscMessage {
  const address = t.address.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in vars)) throw new AmaError('BAD_MAPPING', `Template ${t.address} names {${k}}, which is not known here.`);
    return String(vars[k]);
  });
  const args = t.args.map((a): OscArg => {
    let v: number | string = a.value;
    const m = typeof v === 'string' ? PLACEHOLDER.exec(v) : null;
    if (m) {
      if (!(m[1] in vars)) throw new AmaError('BAD_MAPPING', `Template ${t.address} names {${m[1]}}, which is not known here.`);
      v = vars[m[1]];
    }
    if (a.type === 's') return { type: 's', value: String(v) };
    const n = Number(v);
    if (!Number.isFinite(n)) throw new AmaError('BAD_MAPPING', `Template ${t.address}: argument ${JSON.stringify(a.value)} is not a number.`);
    return a.type === 'i' ? { type: 'i', value: Math.round(n) } : { type: a.type, value: n };
  });
  return { address, args };
}

/** Whether a reply carries the expected arguments (numbers compared as numbers). */
function argsMatch(m: OscMessage, match: Record<string, number | string>, vars: Vars): boolean {
  for (const [idx, want0] of Object.entries(match)) {
    const p = typeof want0 === 'string' ? PLACEHOLDER.exec(want0) : null;
    const want = p ? vars[p[1]] : want0;
    const got = m.args[Number(idx)]?.value;
    if (got === undefined || got === null) return false;
    if (typeof want === 'number' || typeof got === 'number') {
      if (Number(got) !== Number(want)) return false;
    } else if (got !== want) return false;
  }
  return true;
}

/**
 * The OSC link to one DAW, driven by its mapping: the handshake, reachability, listings (plugins,
 * parameter names), and single reads and writes. It knows nothing of proposals. Every message it
 * sends is reported to `onSend` (the audit log and tests see the exact wire traffic).
 */
export class DawLink {
  private socket: OscSocket | null = null;
  private connected = false;
  /** Reachability after the last exchange: null before any. */
  reachable: boolean | null = null;
  /** Why it is unreachable, as a sentence. */
  problem: string | null = null;

  constructor(readonly mapping: Mapping, private readonly o: { host?: string; port?: number; log?: (line: string) => void; onSend?: (m: OscMessage) => void } = {}) {}

  /** Where the DAW is. */
  get target(): { host: string; port: number } {
    return { host: this.o.host ?? this.mapping.transport.host, port: this.o.port ?? this.mapping.transport.port };
  }

  /** The port ama receives replies on (after start()). */
  get localPort(): number {
    return this.socket?.port ?? 0;
  }

  /** Opens the reply socket on loopback (the mapping's replyPort, 0 = any); a DAW elsewhere needs `bindHost`. */
  async start(bindHost = '127.0.0.1'): Promise<void> {
    const host = this.target.host === '127.0.0.1' || this.target.host === 'localhost' ? '127.0.0.1' : bindHost;
    const socket = new OscSocket({ host, port: this.mapping.transport.replyPort, log: this.o.log });
    await socket.start();
    this.socket = socket;
  }

  /** Closes the socket. */
  async stop(): Promise<void> {
    await this.socket?.stop();
    this.socket = null;
  }

  /** Sends the handshake (when not yet connected) and the probe; returns reachability and records it. */
  async check(): Promise<boolean> {
    try {
      if (!this.connected) for (const t of this.mapping.transport.handshake) await this.send(fillTemplate(t, {}));
      const r = await this.readRaw(this.mapping.transport.probe, {});
      this.connected = r !== null;
    } catch (err) {
      this.connected = false;
      this.problem = err instanceof Error ? err.message : String(err);
    }
    this.reachable = this.connected;
    if (!this.connected) this.problem ??= `${this.mapping.daw} did not answer at ${this.target.host}:${this.target.port}`;
    else this.problem = null;
    return this.connected;
  }

  /** Throws AmaError DAW_UNREACHABLE (a sentence with the fix) unless the DAW answers. */
  async ensure(): Promise<void> {
    if (await this.check()) return;
    const { host, port } = this.target;
    throw new AmaError('DAW_UNREACHABLE', `${labelOf(this.mapping.daw)} did not answer at ${host}:${port}; nothing was written. Start it with its OSC surface on that port (see docs/daw.md), then approve again.`);
  }

  /** Sends one message to the DAW. */
  async send(m: OscMessage): Promise<void> {
    if (!this.socket) throw new AmaError('INTERNAL', 'The DAW link is not started.');
    this.o.onSend?.(m);
    const { host, port } = this.target;
    await this.socket.send(m, host, port);
  }

  /** Writes a template with the variables; returns the message sent. */
  async write(t: Template, vars: Vars): Promise<OscMessage> {
    const m = fillTemplate(t, vars);
    await this.send(m);
    return m;
  }

  /** Reads one value: null when no reply came in time. */
  async read(spec: ReadSpec, vars: Vars, encoding: Encoding): Promise<ReadValue | null> {
    const m = await this.readRaw(spec, vars);
    if (!m) return null;
    const wire = m.args[spec.reply.valueIndex]?.value;
    if (wire === undefined || wire === null) return null;
    let value: number;
    if (spec.reply.decode === 'numberText') value = Number.parseFloat(String(wire).replace(/^[^-+\d.]*/, ''));
    else value = decodeValue(encoding, Number(wire));
    if (Number.isNaN(value)) return null;
    return { wire, value, message: formatOsc(m) };
  }

  /** Sends a listing's request and gathers its entries (until its end message, a quiet gap or the timeout). */
  async list(l: Listing, vars: Vars): Promise<Listed[]> {
    const t = this.mapping.transport;
    const addr = l.reply.address.replace(/\{(\w+)\}/g, (all, k: string) => (k === 'n' ? all : String(vars[k])));
    const re = addr.includes('{n}') ? new RegExp(`^${addr.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('\\{n\\}', '(\\d+)').replace('{n}', '(\\d+)')}$`) : null;
    const isReply = (m: OscMessage) => (re ? re.test(m.address) : m.address === addr) && argsMatch(m, l.reply.match, vars);
    const pending = this.socket!.collect({
      match: (m) => isReply(m) || (l.endAddress !== undefined && m.address === l.endAddress),
      done: (m) => (l.endAddress ? m.address === l.endAddress : l.layout.kind === 'list'),
      timeoutMs: t.timeoutMs, quietMs: l.layout.kind === 'perMessage' && !l.endAddress ? Math.max(60, t.settleMs * 2) : 0,
    });
    if (l.request) await this.send(fillTemplate(l.request, vars));
    const got = (await pending).filter(isReply);
    const out: Listed[] = [];
    for (const m of got) {
      const v = m.args.map((a) => a.value);
      if (l.layout.kind === 'perMessage') {
        const lay = l.layout;
        const index = lay.index === 'address' ? Number(re?.exec(m.address)?.[1]) : Number(v[lay.index]);
        const e: Listed = { index, name: String(v[lay.name]) };
        if (lay.min !== undefined) e.min = Number(v[lay.min]);
        if (lay.max !== undefined) e.max = Number(v[lay.max]);
        out.push(e);
      } else {
        const lay = l.layout;
        for (let i = lay.start, n = 0; i + Math.max(lay.nameAt, lay.indexAt ?? 0) < v.length; i += lay.stride, n++) {
          out.push({ index: lay.indexAt === null ? n + lay.base : Number(v[i + lay.indexAt]), name: String(v[i + lay.nameAt]) });
        }
      }
    }
    return out;
  }

  private async readRaw(spec: ReadSpec, vars: Vars): Promise<OscMessage | null> {
    if (!this.socket) throw new AmaError('INTERNAL', 'The DAW link is not started.');
    const address = fillTemplate({ address: spec.reply.address, args: [] }, vars).address;
    const pending = this.socket.collect({
      match: (m) => m.address === address && argsMatch(m, spec.reply.match, vars) && m.args.length > spec.reply.valueIndex,
      timeoutMs: this.mapping.transport.timeoutMs, quietMs: 0,
    });
    if (spec.request) await this.send(fillTemplate(spec.request, vars));
    const got = await pending;
    return got[got.length - 1] ?? null;
  }
}

/** The DAW's name for sentences. */
export function labelOf(daw: Mapping['daw']): string {
  return daw === 'reaper' ? 'REAPER' : daw === 'ableton' ? 'Ableton Live (AbletonOSC)' : 'Ardour';
}
