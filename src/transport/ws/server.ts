import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { BoardCommand } from '../../suggest/boardTypes.js';
import { AmaError, errorMessage } from '../../util/errors.js';
import { resolveFeedOptions, type FeedServerOptions } from './feedOptions.js';
import { FeedClient, COALESCED_TYPES, type FeedClientStats } from './feedClient.js';
import { defaultWebRoot, loadWebPage, originAllowed, requestToken, serveHttp, tokenMatches, type WebPage } from './feedHttp.js';
import { buildAck, buildError, buildHello, parseInbound, type MessageId, type OutboundMessage } from './protocol.js';

export { DEFAULT_FEED_OPTIONS, type FeedServerOptions } from './feedOptions.js';

/**
 * The WebSocket feed: one HTTP server on 127.0.0.1 (by default) that upgrades any path to the feed
 * and serves the page (src/ui/web) on `/`. Every client gets `hello`, then the latest status,
 * profile, suggestions and meter, then every broadcast. Inbound frames are validated
 * (protocol.ts); a bad one gets an `error` reply and nothing else happens. Frames over
 * `maxMessageBytes` get a TOO_LARGE reply; frames over `maxFrameBytes` are refused by ws before they
 * are buffered, and the connection is closed with 1009 (message too big). A wrong or missing token
 * closes with 4401, a foreign browser origin with 4403, one client too many with 1013; ws itself
 * closes a text frame that is not UTF-8 with 1007. A client that answers no heartbeat ping for two
 * periods is dropped. Slow clients: see feedClient.ts. Socket errors are logged as sentences and
 * close only that client; the process never crashes on them.
 */

/** Aggregate figures of the feed. */
export interface FeedStats {
  /** Clients connected. */
  clients: number;
  /** Clients whose frames are held back now. */
  slowClients: number;
  /** Frames held for slow clients, all together. */
  queuedFrames: number;
  /** Their size, characters. */
  queuedBytes: number;
  /** Largest socket backlog of any client, bytes. */
  maxBufferedBytes: number;
  /** Frames not delivered since each client connected, summed over the clients connected now. */
  droppedTotal: number;
}

/** The WebSocket feed server (see the module comment). */
export class FeedServer {
  private readonly input: Partial<FeedServerOptions>;
  private o!: FeedServerOptions;
  private readonly clients = new Map<number, FeedClient>();
  private readonly latest = new Map<string, string>();
  private http: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private page: WebPage | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private nextId = 1;
  private starting: Promise<{ port: number }> | null = null;
  private stopping: Promise<void> | null = null;

  /** Only stores the options; they are checked, and the socket opened, by start(). */
  constructor(options: Partial<FeedServerOptions> = {}) {
    this.input = options;
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Opens the server; resolves with the bound port, or rejects with a sentence (port in use...). Idempotent. */
  start(): Promise<{ port: number }> {
    this.starting ??= this.open();
    return this.starting;
  }

  /** Serialises a message once and sends it to every open client (slow ones get it coalesced). Returns the clients reached. */
  broadcast(msg: OutboundMessage): number {
    const text = JSON.stringify(msg);
    if (COALESCED_TYPES.has(msg.type)) this.latest.set(msg.type, text);
    let n = 0;
    for (const c of this.clients.values()) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      c.send(text, msg.type);
      n++;
    }
    return n;
  }

  /** Each client's queue figures. */
  clientStats(): FeedClientStats[] {
    return [...this.clients.values()].map((c) => c.stats());
  }

  /** The feed's aggregate figures. */
  stats(): FeedStats {
    const all = this.clientStats();
    const sum = (f: (s: FeedClientStats) => number) => all.reduce((a, s) => a + f(s), 0);
    return {
      clients: all.length, slowClients: all.filter((s) => s.slow).length, queuedFrames: sum((s) => s.queuedFrames),
      queuedBytes: sum((s) => s.queuedBytes), maxBufferedBytes: all.reduce((m, s) => Math.max(m, s.bufferedBytes), 0), droppedTotal: sum((s) => s.droppedTotal),
    };
  }

  /** Closes every client (1001) and the server. Idempotent; safe before start(). */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async open(): Promise<{ port: number }> {
    const o = (this.o = resolveFeedOptions(this.input));
    const webRoot = o.webRoot === 'auto' ? defaultWebRoot() : o.webRoot;
    if (webRoot) {
      try {
        this.page = loadWebPage(webRoot);
      } catch (err) {
        o.log(`the web page could not be read from ${webRoot} (${errorMessage(err)}); the feed runs without it`);
      }
    }
    const server = http.createServer((req, res) => serveHttp(req, res, this.page));
    const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(o.maxFrameBytes, o.maxMessageBytes), perMessageDeflate: false });
    server.on('upgrade', (req, socket, head) => this.upgrade(wss, req, socket, head));
    server.on('clientError', (err, socket) => socket.destroy(err));
    this.http = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException) => reject(this.listenError(err));
      server.once('error', fail);
      server.listen(o.port, o.host, () => {
        server.off('error', fail);
        server.on('error', (err) => o.log(`server error: ${errorMessage(err)}`));
        resolve();
      });
    });
    if (o.heartbeatSec > 0) {
      this.heartbeat = setInterval(() => this.beat(), o.heartbeatSec * 1000);
      this.heartbeat.unref();
    }
    return { port: (server.address() as AddressInfo).port };
  }

  private listenError(err: NodeJS.ErrnoException): AmaError {
    const { host, port, portOption } = this.o;
    if (err.code === 'EADDRINUSE') return new AmaError('BAD_OPTION', `Port ${port} already in use: choose another with ${portOption}`, { cause: err });
    if (err.code === 'EACCES') return new AmaError('BAD_OPTION', `Port ${port} needs privileges here: choose one above 1023 with ${portOption}`, { cause: err });
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
      return new AmaError('BAD_OPTION', `Address ${host} is not one of this machine's: use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`, { cause: err });
    }
    return new AmaError('BAD_OPTION', `Could not open the WebSocket feed on ${host}:${port}: ${errorMessage(err)}`, { cause: err });
  }

  private upgrade(wss: WebSocketServer, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.o.log(`connection from ${req.socket.remoteAddress ?? '?'} failed during the upgrade: ${errorMessage(err)}`));
    if (this.stopping) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  private accept(ws: WebSocket, req: http.IncomingMessage): void {
    const o = this.o;
    const refuse = (code: number, errCode: 'UNAUTHORIZED' | 'FORBIDDEN_ORIGIN' | 'BUSY', reason: string, sentence: string) => {
      ws.on('error', () => {});
      ws.send(JSON.stringify(buildError(null, errCode, sentence)));
      ws.close(code, reason);
    };
    if (!originAllowed(req, o.allowedOrigins, o.token !== null)) {
      return refuse(4403, 'FORBIDDEN_ORIGIN', 'Forbidden origin', `Pages from ${req.headers.origin} may not use this feed; start ama with that origin allowed, or open the page ama serves.`);
    }
    if (o.token !== null && !tokenMatches(requestToken(req), o.token)) {
      return refuse(4401, 'UNAUTHORIZED', 'Unauthorized: a valid token is required', 'A valid token is required: connect with ?token=... on the URL or an Authorization: Bearer header.');
    }
    if (this.clients.size >= o.maxClients) {
      return refuse(1013, 'BUSY', 'Too many clients; try again later', `This feed serves at most ${o.maxClients} clients at once; close another one and try again.`);
    }
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const client = new FeedClient(this.nextId++, ws, remote, o.maxBufferedBytes);
    this.clients.set(client.id, client);
    ws.on('message', (data, isBinary) => this.receive(client, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (err) => o.log(`client ${client.id} (${remote}): ${errorMessage(err)}; it is disconnected, the others go on`));
    ws.on('close', () => this.clients.delete(client.id));
    try {
      const info = o.hello();
      client.send(JSON.stringify(buildHello({ server: { name: 'ama', version: o.version }, ...info, maxMessageBytes: o.maxMessageBytes })), 'hello');
    } catch (err) {
      o.log(`the hello for client ${client.id} could not be built (${errorMessage(err)})`);
    }
    for (const type of ['status', 'profile', 'suggestions', 'meter']) {
      const text = this.latest.get(type);
      if (text) client.send(text, type);
    }
  }

  private receive(client: FeedClient, data: WebSocket.RawData, isBinary: boolean): void {
    const reply = (msg: OutboundMessage) => client.send(JSON.stringify(msg), msg.type);
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) return reply(buildError(null, 'BINARY', 'Binary frames are not understood: send JSON as a text frame.'));
    if (bytes.length > this.o.maxMessageBytes) {
      return reply(buildError(null, 'TOO_LARGE', `The message is ${bytes.length} bytes; the limit is ${this.o.maxMessageBytes} bytes. Nothing was done.`));
    }
    const parsed = parseInbound(bytes.toString('utf8'));
    if (!parsed.ok) return reply(buildError(parsed.id, parsed.code, parsed.message));
    const msg = parsed.msg;
    if (msg.type === 'ping') return reply(buildAck(msg.id, 'ping'));
    reply(this.runCommand(msg.id, msg.command, msg.key));
  }

  private runCommand(id: MessageId | undefined, cmd: BoardCommand, key: string): OutboundMessage {
    const handler = this.o.onCommand;
    if (!handler) return buildError(id, 'NO_HANDLER', 'This feed takes no commands: no suggestion board is attached.');
    try {
      const r = handler(cmd, key);
      return r.ok ? buildAck(id, cmd, r.key, r.state) : buildError(id, r.code, r.message);
    } catch (err) {
      this.o.log(`the ${cmd} command on ${key} failed: ${errorMessage(err)}`);
      return buildError(id, 'INTERNAL', `The ${cmd} command failed inside ama (${errorMessage(err)}); nothing was changed by this feed.`);
    }
  }

  private beat(): void {
    for (const c of this.clients.values()) {
      if (!c.alive) {
        this.o.log(`client ${c.id} (${c.remote}) answered no heartbeat for ${2 * this.o.heartbeatSec} s; it is disconnected`);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        c.ws.terminate();
      }
    }
  }

  private async close(): Promise<void> {
    await this.starting?.catch(() => {});
    if (this.heartbeat) clearInterval(this.heartbeat);
    const closing = [...this.clients.values()].map((c) => new Promise<void>((resolve) => {
      if (c.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => { c.ws.terminate(); resolve(); }, 1000);
      timer.unref();
      c.ws.once('close', () => { clearTimeout(timer); resolve(); });
      c.ws.close(1001, 'ama is shutting down');
    }));
    await Promise.allSettled(closing);
    this.clients.clear();
    this.wss?.close();
    const server = this.http;
    if (server?.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
