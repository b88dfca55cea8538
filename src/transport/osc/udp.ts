import dgram from 'node:dgram';
import { AmaError, errorMessage } from '../../util/errors.js';
import { decodeOsc, encodeOsc, type OscMessage } from './codec.js';

/** Where a datagram came from. */
export interface OscSender { address: string; port: number }

/** What collect() waits for. */
export interface CollectOptions {
  /** Keeps the messages this accepts. */
  match: (m: OscMessage) => boolean;
  /** Resolve as soon as a kept message satisfies this (default: the first kept message). */
  done?: (m: OscMessage, kept: OscMessage[]) => boolean;
  /** Give up after this long, ms; resolves with what was kept (possibly nothing). */
  timeoutMs: number;
  /** After a kept message, resolve once nothing else matched for this long, ms (0: never settle early). */
  quietMs?: number;
}

/**
 * One UDP socket speaking OSC: binds to loopback by default, sends typed messages, hands every
 * decoded message to the listeners, and logs (never throws on) malformed datagrams. Nothing is
 * bound before start(); stop() closes it.
 */
export class OscSocket {
  private socket: dgram.Socket | null = null;
  private readonly listeners = new Set<(m: OscMessage, from: OscSender) => void>();

  /** `log` receives sentences about malformed input and socket errors. */
  constructor(private readonly o: { host?: string; port?: number; log?: (line: string) => void } = {}) {}

  /** The bound port (after start()). */
  get port(): number {
    const a = this.socket?.address();
    return a ? a.port : 0;
  }

  /** Binds the socket (default 127.0.0.1, port 0 = any free one); rejects with a sentence when the port is taken. */
  async start(): Promise<number> {
    const host = this.o.host ?? '127.0.0.1';
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      const onErr = (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(new AmaError('BAD_OPTION', err.code === 'EADDRINUSE'
          ? `OSC port ${this.o.port ?? 0} on ${host} is already in use; choose another port.`
          : `Cannot open an OSC socket on ${host}:${this.o.port ?? 0} (${err.message}).`));
      };
      socket.once('error', onErr);
      socket.bind(this.o.port ?? 0, host, () => {
        socket.off('error', onErr);
        resolve();
      });
    });
    socket.on('error', (err) => this.o.log?.(`OSC socket: ${err.message}`));
    socket.on('message', (buf, rinfo) => this.receive(buf, { address: rinfo.address, port: rinfo.port }));
    this.socket = socket;
    return this.port;
  }

  /** Sends one message; resolves once handed to the OS (a closed socket or a bad message rejects). */
  send(m: OscMessage, host: string, port: number): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new AmaError('INTERNAL', 'The OSC socket is not open.'));
    const bytes = encodeOsc(m);
    return new Promise((resolve, reject) => socket.send(bytes, port, host, (err) => (err ? reject(new AmaError('DAW_UNREACHABLE', `Cannot send ${m.address} to ${host}:${port} (${err.message}).`)) : resolve())));
  }

  /** Subscribes to every decoded message; returns the unsubscribe function. */
  onMessage(fn: (m: OscMessage, from: OscSender) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Collects the incoming messages `match` accepts until `done`, a quiet gap, or the timeout. */
  collect(o: CollectOptions): Promise<OscMessage[]> {
    return new Promise((resolve) => {
      const kept: OscMessage[] = [];
      let quiet: NodeJS.Timeout | null = null;
      const finish = () => {
        clearTimeout(timer);
        if (quiet) clearTimeout(quiet);
        off();
        resolve(kept);
      };
      const timer = setTimeout(finish, o.timeoutMs);
      const off = this.onMessage((m) => {
        if (!o.match(m)) return;
        kept.push(m);
        if (o.done ? o.done(m, kept) : !o.quietMs) return finish();
        if (o.quietMs) {
          if (quiet) clearTimeout(quiet);
          quiet = setTimeout(finish, o.quietMs);
        }
      });
    });
  }

  /** Closes the socket. Idempotent. */
  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    this.listeners.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private receive(buf: Buffer, from: OscSender): void {
    let messages: OscMessage[];
    try {
      messages = decodeOsc(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    } catch (err) {
      this.o.log?.(`ignored a malformed OSC packet from ${from.address}:${from.port}: ${errorMessage(err)}`);
      return;
    }
    for (const m of messages) {
      for (const fn of [...this.listeners]) {
        try {
          fn(m, from);
        } catch (err) {
          this.o.log?.(`an OSC listener failed on ${m.address} (${errorMessage(err)}); ignored`);
        }
      }
    }
  }
}
