import WebSocket from 'ws';
import { buildNotice } from './protocol.js';

/**
 * One connected feed client and its bounded send queue. While the socket holds more than
 * `maxBufferedBytes` unsent (the client reads too slowly, or not at all), frames are not written:
 * state frames (status, meter, profile, suggestions) are coalesced, only the latest of each type
 * kept; replies and notices wait in a FIFO of at most CONTROL_QUEUE frames, and beyond that are
 * dropped. Each frame replaced or dropped is counted. Once the socket has drained to half the
 * limit, the client gets a `notice` saying how many frames it missed, then what was kept. So a
 * client's memory is at most the limit plus one frame plus the kept frames, whatever it does.
 */

/** Frame types of which only the latest matters: a slow client gets the latest of each. */
export const COALESCED_TYPES: ReadonlySet<string> = new Set(['status', 'meter', 'profile', 'suggestions']);

/** Most replies and notices kept for a slow client; more are dropped (and counted). */
export const CONTROL_QUEUE = 16;

/** What a client's queue holds now. */
export interface FeedClientStats {
  id: number;
  /** Remote address and port. */
  remote: string;
  /** Bytes written to the socket and not yet sent. */
  bufferedBytes: number;
  /** Frames kept for later (coalesced state and queued replies). */
  queuedFrames: number;
  /** Size of those frames, characters (bytes for ASCII JSON). */
  queuedBytes: number;
  /** Frames not delivered since the last drop notice. */
  dropped: number;
  /** Frames not delivered since the client connected. */
  droppedTotal: number;
  /** Whether frames are being held back now. */
  slow: boolean;
}

/** A feed client: its socket, its coalescing queue and its drop counters. */
export class FeedClient {
  /** Whether the client answered the last heartbeat ping. */
  alive = true;
  private readonly latest = new Map<string, string>();
  private readonly control: string[] = [];
  private dropped = 0;
  private droppedTotal = 0;
  private holding = false;

  /** `maxBufferedBytes`: the socket backlog above which frames are held back, bytes. */
  constructor(readonly id: number, readonly ws: WebSocket, readonly remote: string, private readonly maxBufferedBytes: number) {}

  /** Sends one serialised frame of a type, or holds/drops it if the client is behind. */
  send(text: string, type: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.holding || this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.holding = true;
      this.hold(text, type);
      this.flush();
      return;
    }
    this.write(text);
  }

  /** Writes the held frames, after a notice, once the socket has drained below half the limit. */
  flush(): void {
    if (!this.holding || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes / 2) return;
    this.holding = false;
    if (this.dropped > 0) {
      const n = this.dropped;
      this.dropped = 0;
      const what = this.latest.size ? `; the latest ${[...this.latest.keys()].join(', ')} follow` : '';
      this.write(JSON.stringify(buildNotice('DROPPED', `${n} frame${n === 1 ? ' was' : 's were'} not sent because this client read too slowly${what}.`, n)));
    }
    for (const text of this.control.splice(0)) this.write(text);
    for (const text of this.latest.values()) this.write(text);
    this.latest.clear();
  }

  /** The queue's figures. */
  stats(): FeedClientStats {
    let queuedBytes = 0;
    for (const t of this.latest.values()) queuedBytes += t.length;
    for (const t of this.control) queuedBytes += t.length;
    return {
      id: this.id, remote: this.remote, bufferedBytes: this.ws.bufferedAmount, queuedFrames: this.latest.size + this.control.length,
      queuedBytes, dropped: this.dropped, droppedTotal: this.droppedTotal, slow: this.holding,
    };
  }

  private hold(text: string, type: string): void {
    if (COALESCED_TYPES.has(type)) {
      if (this.latest.has(type)) this.count();
      this.latest.delete(type); // re-insert: the held frames go out in the order they were last updated
      this.latest.set(type, text);
    } else if (this.control.length < CONTROL_QUEUE) this.control.push(text);
    else this.count();
  }

  private count(): void {
    this.dropped++;
    this.droppedTotal++;
  }

  private write(text: string): void {
    // The callback runs once this frame has left the process: the moment to send what was held.
    this.ws.send(text, (err) => {
      if (!err) this.flush();
    });
  }
}
