// A real `ws` client for the feed tests, with a message log and waits that time out with a sentence.
import WebSocket from 'ws';
import { SuggestionBoard } from '../../src/suggest/board.js';
import type { Suggestion } from '../../src/suggest/types.js';
import { buildSuggestions } from '../../src/transport/ws/protocol.js';
import { FeedServer, type FeedServerOptions } from '../../src/transport/ws/server.js';

/** A parsed feed message (loosely typed: tests check fields). */
export type Msg = { v: number; type: string; [k: string]: unknown };

/** A feed client that records every message it receives. */
export class TestClient {
  readonly messages: Msg[] = [];
  private readonly taken = new Set<number>();
  private wake: (() => void) | null = null;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;

  /** `lean`: drop string fields over 1 KiB from what is recorded (for tests that receive a lot). */
  constructor(readonly ws: WebSocket, lean = false) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Msg;
      if (lean) for (const [k, v] of Object.entries(m)) if (typeof v === 'string' && v.length > 1024) m[k] = `(${v.length} characters)`;
      this.messages.push(m);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => { resolve({ code, reason: String(reason) }); this.wake?.(); }));
    ws.on('error', () => {});
  }

  /** Connects and waits for the socket to open. */
  static open(url: string, options?: WebSocket.ClientOptions, lean = false): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const c = new TestClient(ws, lean);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  /** Sends an object as JSON, or a string as it is. */
  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The first message not yet taken that matches (others stay for later calls); rejects after timeoutMs. */
  async next(match: string | ((m: Msg) => boolean) = () => true, timeoutMs = 3000): Promise<Msg> {
    const pred = typeof match === 'string' ? (m: Msg) => m.type === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.messages.length; i++) {
        if (!this.taken.has(i) && pred(this.messages[i])) {
          this.taken.add(i);
          return this.messages[i];
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; not taken: ${this.pending().map((m) => m.type).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(t); resolve(); };
      });
      this.wake = null;
    }
  }

  /** Messages not taken yet (without taking them). */
  pending(): Msg[] {
    return this.messages.filter((_, i) => !this.taken.has(i));
  }

  /** Takes every message received so far. */
  drain(): Msg[] {
    const out = this.pending();
    this.messages.forEach((_, i) => this.taken.add(i));
    return out;
  }

  /** Closes the connection. */
  close(): void {
    this.ws.close();
  }
}

/** Waits a little (for "nothing else happens" checks). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A feed wired to a board as the daemon will wire them, on an ephemeral port. */
export async function boardFeed(suggestions: Suggestion[], options: Partial<FeedServerOptions> = {}) {
  const board = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
  const logs: string[] = [];
  const server = new FeedServer({
    port: 0, log: (l) => logs.push(l), heartbeatSec: 0,
    onCommand: (cmd, key) => board.command(cmd, key, Date.now()),
    hello: () => ({ source: { kind: 'file', name: 'mix.wav', sampleRateHz: 48000, channels: 2 }, references: [{ name: 'ref.wav', integratedLufs: -9 }] }),
    ...options,
  });
  board.onChange(() => server.broadcast(buildSuggestions(board.items(), board.revision)));
  const { port } = await server.start();
  board.update(suggestions, Date.now());
  return { board, server, port, logs, url: `ws://127.0.0.1:${port}/feed` };
}
