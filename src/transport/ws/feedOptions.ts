import type { BoardCommand, CommandResult } from '../../suggest/boardTypes.js';
import { AmaError } from '../../util/errors.js';
import type { HelloMessage } from './protocol.js';

/**
 * Settings of the WebSocket feed server, their defaults and their validation.
 */

/** Settings of a FeedServer. */
export interface FeedServerOptions {
  /** Address to bind; 127.0.0.1 keeps the feed on this machine. */
  host: string;
  /** TCP port, 0..65535; 0 picks a free one (start() reports it). */
  port: number;
  /** When set, clients must present it (`?token=` or `Authorization: Bearer`). */
  token: string | null;
  /** Largest inbound text frame that is answered, bytes. */
  maxMessageBytes: number;
  /** Largest frame ws accepts at all; above it the connection is closed (1009), bytes >= maxMessageBytes. */
  maxFrameBytes: number;
  /** Socket backlog above which a client's frames are coalesced, bytes. */
  maxBufferedBytes: number;
  /** Most clients at once. */
  maxClients: number;
  /** Heartbeat period, s; 0 turns it off. */
  heartbeatSec: number;
  /** Browser origins allowed besides this server's own (e.g. a dev server), exact strings. */
  allowedOrigins: string[];
  /** Folder of the page (index.html, app.js); null serves no page; 'auto': src/ui/web, found from here or from dist/. */
  webRoot: string | null;
  /** What hello says about the source and the references (called per connection). */
  hello: () => Pick<HelloMessage, 'source' | 'references'>;
  /** Applies a command; the daemon wires the board here. Null: commands are refused. */
  onCommand: ((cmd: BoardCommand, key: string) => CommandResult) | null;
  /** Where sentences about clients and sockets go. */
  log: (line: string) => void;
  /** The option that sets the port, named in error sentences. */
  portOption: string;
  /** The server version hello reports. */
  version: string;
}

/** Defaults: 127.0.0.1:8787, no token, 4 KiB messages, 64 KiB frames, 1 MiB backlog, 100 clients, 30 s heartbeat. */
export const DEFAULT_FEED_OPTIONS: Readonly<FeedServerOptions> = Object.freeze({
  host: '127.0.0.1', port: 8787, token: null, maxMessageBytes: 4096, maxFrameBytes: 65536, maxBufferedBytes: 1 << 20,
  maxClients: 100, heartbeatSec: 30, allowedOrigins: [], webRoot: 'auto', hello: () => ({ source: null, references: [] }),
  onCommand: null, log: (line: string) => void process.stderr.write(`ama feed: ${line}\n`), portOption: '--ws-port', version: '0.0.0',
});

/** Fills in defaults and checks the options; throws one AmaError listing every problem as `name: message`. */
export function resolveFeedOptions(input: Partial<FeedServerOptions>): FeedServerOptions {
  const o: FeedServerOptions = { ...DEFAULT_FEED_OPTIONS, ...input };
  const problems: string[] = [];
  const int = (name: keyof FeedServerOptions, lo: number, hi: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) problems.push(`${name}: must be a whole number within [${lo}, ${hi}], got ${String(v)}`);
  };
  int('port', 0, 65535);
  int('maxMessageBytes', 64, 1 << 20);
  int('maxFrameBytes', 64, 64 << 20);
  int('maxBufferedBytes', 1024, 1 << 30);
  int('maxClients', 1, 100_000);
  if (typeof o.heartbeatSec !== 'number' || !(o.heartbeatSec >= 0 && o.heartbeatSec <= 3600)) problems.push(`heartbeatSec: must be within [0, 3600] s (0: off), got ${String(o.heartbeatSec)}`);
  if (o.maxFrameBytes < o.maxMessageBytes) problems.push(`maxFrameBytes: must be at least maxMessageBytes (${o.maxMessageBytes}), got ${o.maxFrameBytes}`);
  if (typeof o.host !== 'string' || !o.host) problems.push(`host: must be an address such as 127.0.0.1, got ${JSON.stringify(o.host)}`);
  if (o.token !== null && (typeof o.token !== 'string' || o.token.length < 8)) problems.push('token: must be at least 8 characters when set (or null for none)');
  if (problems.length) throw new AmaError('BAD_OPTION', `WebSocket feed options are invalid:\n${problems.join('\n')}`);
  return o;
}
