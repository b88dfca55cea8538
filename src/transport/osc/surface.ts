import type { BoardCommand, BoardItem, CommandResult } from '../../suggest/boardTypes.js';
import { describeSuggestion } from '../../daw/describe.js';
import { errorMessage } from '../../util/errors.js';
import { float, int, str, typeTags, type OscMessage } from './codec.js';
import { OscSocket, type OscSender } from './udp.js';

/**
 * The control-surface feed over OSC (TouchOSC, Open Stage Control and the like). ama sends the top
 * proposals as text and the main meters to a configurable target, and accepts approve / reject /
 * undo by suggestion key (or by the row number shown). Address space (all typed):
 *
 *   out  /ama/suggestion/count i            how many rows follow (at most `rows`)
 *   out  /ama/suggestion/N/text s           row N (1-based): "EQ 250 Hz -2.5 dB Q 1.4"
 *   out  /ama/suggestion/N/key s            its key, for /ama/approve
 *   out  /ama/suggestion/N/state s          proposed | approved | applied | failed | undone | rejected | expired
 *   out  /ama/suggestion/N/message s        the push outcome, or ""
 *   out  /ama/meter/momentary f, /ama/meter/shortterm f, /ama/meter/integrated f (LUFS), /ama/meter/truepeak f (dBTP)
 *   out  /ama/daw/reachable i               1 reachable, 0 not, -1 unknown or no DAW
 *   in   /ama/approve s KEY | i N           also /ama/reject, /ama/undo
 *   back /ama/ack s KEY s STATE  or  /ama/error s KEY s MESSAGE   (to the sender)
 *
 * Malformed packets, unknown addresses and wrong argument types are logged and ignored.
 */

/** Options of the surface feed. */
export interface SurfaceOptions {
  /** Where ama sends the rows and meters; null: nowhere (commands only). */
  target: { host: string; port: number } | null;
  /** Port ama listens on for commands; null: none. 0 picks a free one. */
  listenPort: number | null;
  /** Address to listen on (default 127.0.0.1). */
  listenHost?: string;
  /** Rows sent (default 8). */
  rows?: number;
  /** Most meter messages per second (default 10). */
  meterHz?: number;
  onCommand: (cmd: BoardCommand, key: string) => CommandResult;
  log: (line: string) => void;
}

/** Live loudness figures the surface shows. */
export interface SurfaceMeter { momentaryLufs: number | null; shortTermLufs: number | null; integratedLufs: number | null; truePeakDbtp: number | null }

const COMMANDS: Record<string, BoardCommand> = { '/ama/approve': 'approve', '/ama/reject': 'reject', '/ama/undo': 'undo' };

/** Routes one incoming message: the command and key, or why it is ignored. Pure, for tests. */
export function routeSurfaceMessage(m: OscMessage, rows: readonly string[]): { cmd: BoardCommand; key: string } | { ignore: string } {
  const cmd = COMMANDS[m.address];
  if (!cmd) return { ignore: `unknown address ${m.address} (accepted: ${Object.keys(COMMANDS).join(', ')})` };
  const a = m.args[0];
  if (m.args.length !== 1 || !a) return { ignore: `${m.address} takes one argument (a key as s, or a row number as i), got ${m.args.length} (${typeTags(m) || 'none'})` };
  if (a.type === 's' && a.value.length > 0 && a.value.length <= 256) return { cmd, key: a.value };
  if ((a.type === 'i' || a.type === 'f') && Number.isInteger(a.value) && a.value >= 1 && a.value <= rows.length) return { cmd, key: rows[a.value - 1] };
  return { ignore: `${m.address}: argument must be a suggestion key (s) or a row number 1..${rows.length} (i), got ${a.type}:${String(a.value)}` };
}

/** The control-surface feed: constructor stores options, start() binds, stop() closes. */
export class SurfaceFeed {
  private socket: OscSocket | null = null;
  private rows: string[] = [];
  private lastMeterMs = 0;
  private lastSig = '';

  constructor(private readonly o: SurfaceOptions) {}

  /** The command port once started (null: none). */
  get port(): number | null {
    return this.socket ? this.socket.port : null;
  }

  /** Binds the socket (loopback unless configured). A port in use rejects with a sentence. */
  async start(): Promise<void> {
    const socket = new OscSocket({ host: this.o.listenHost ?? '127.0.0.1', port: this.o.listenPort ?? 0, log: (l) => this.o.log(`surface: ${l}`) });
    await socket.start();
    socket.onMessage((m, from) => this.receive(m, from));
    this.socket = socket;
  }

  /** Sends the top rows when they changed. */
  suggestions(items: BoardItem[]): void {
    const top = items.slice(0, this.o.rows ?? 8);
    this.rows = top.map((i) => i.suggestion.key);
    const msgs: OscMessage[] = [{ address: '/ama/suggestion/count', args: [int(top.length)] }];
    top.forEach((it, i) => {
      const n = i + 1;
      msgs.push(
        { address: `/ama/suggestion/${n}/text`, args: [str(describeSuggestion(it.suggestion))] },
        { address: `/ama/suggestion/${n}/key`, args: [str(it.suggestion.key)] },
        { address: `/ama/suggestion/${n}/state`, args: [str(it.state)] },
        { address: `/ama/suggestion/${n}/message`, args: [str(it.message ?? '')] },
      );
    });
    const sig = JSON.stringify(msgs);
    if (sig === this.lastSig) return;
    this.lastSig = sig;
    this.sendAll(msgs);
  }

  /** Sends the meters, at most meterHz times a second. */
  meter(m: SurfaceMeter, nowMs = Date.now()): void {
    if (nowMs - this.lastMeterMs < 1000 / (this.o.meterHz ?? 10)) return;
    this.lastMeterMs = nowMs;
    const msgs: OscMessage[] = [];
    const put = (address: string, v: number | null) => {
      if (v !== null && Number.isFinite(v)) msgs.push({ address, args: [float(v)] });
    };
    put('/ama/meter/momentary', m.momentaryLufs);
    put('/ama/meter/shortterm', m.shortTermLufs);
    put('/ama/meter/integrated', m.integratedLufs);
    put('/ama/meter/truepeak', m.truePeakDbtp);
    this.sendAll(msgs);
  }

  /** Sends DAW reachability (1, 0, or -1 unknown). */
  reachability(reachable: boolean | null): void {
    this.sendAll([{ address: '/ama/daw/reachable', args: [int(reachable === null ? -1 : reachable ? 1 : 0)] }]);
  }

  /** Closes the socket. */
  async stop(): Promise<void> {
    await this.socket?.stop();
    this.socket = null;
  }

  private sendAll(msgs: OscMessage[]): void {
    const t = this.o.target;
    if (!t || !this.socket) return;
    for (const m of msgs) this.socket.send(m, t.host, t.port).catch((err) => this.o.log(`surface: ${errorMessage(err)}`));
  }

  private receive(m: OscMessage, from: OscSender): void {
    const r = routeSurfaceMessage(m, this.rows);
    if ('ignore' in r) {
      this.o.log(`surface: ignored a message from ${from.address}:${from.port}: ${r.ignore}`);
      return;
    }
    const res = this.o.onCommand(r.cmd, r.key);
    const reply: OscMessage = res.ok
      ? { address: '/ama/ack', args: [str(r.key), str(res.state)] }
      : { address: '/ama/error', args: [str(r.key), str(res.message)] };
    this.socket?.send(reply, from.address, from.port).catch(() => {});
  }
}
