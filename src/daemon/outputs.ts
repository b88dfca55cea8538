import type { BoardItem } from '../suggest/boardTypes.js';
import { headline } from '../suggest/format.js';
import { buildNotice, type OutboundMessage } from '../transport/ws/protocol.js';
import { fmt } from '../util/format.js';

/** Something that takes every outbound message: the feed, a JSON-lines writer, the dashboard, a text printer. */
export interface MessageSink {
  /** A short name for log sentences. */
  readonly name: string;
  /** Takes one message; must not throw for long (the daemon catches and logs). */
  write(msg: OutboundMessage): void;
  /** Flushes and releases what it holds. */
  close?(): Promise<void>;
}

/** Frame types a slow JSON reader may miss (only the latest of each matters). */
const DROPPABLE: ReadonlySet<string> = new Set(['meter', 'status']);

/**
 * `--json`: one message per line on a stream, exactly as the feed sends it (JSON.stringify). When
 * the reader falls behind by more than `maxBufferedBytes`, meter and status frames are dropped
 * (never hello, profile, suggestions or notices) and a DROPPED notice says how many, once the
 * stream has drained, so memory stays bounded whatever reads the pipe.
 */
export class JsonLinesSink implements MessageSink {
  readonly name = 'JSON output';
  private dropped = 0;

  constructor(private readonly out: NodeJS.WritableStream & { writableLength?: number }, private readonly maxBufferedBytes = 1 << 20) {}

  write(msg: OutboundMessage): void {
    const behind = (this.out.writableLength ?? 0) > this.maxBufferedBytes;
    if (behind && DROPPABLE.has(msg.type)) {
      this.dropped++;
      return;
    }
    if (!behind && this.dropped > 0) {
      const n = this.dropped;
      this.dropped = 0;
      this.out.write(JSON.stringify(buildNotice('DROPPED', `${n} meter/status line${n === 1 ? ' was' : 's were'} not written because the reader of this output read too slowly.`, n)) + '\n');
    }
    this.out.write(JSON.stringify(msg) + '\n');
  }

  async close(): Promise<void> {
    const out = this.out as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (out.writableNeedDrain) await new Promise<void>((resolve) => { out.once('drain', resolve); out.once('close', resolve); out.once('error', () => resolve()); });
  }
}

/**
 * `--no-dashboard` without `--json`: readable lines for a log, a loudness line every `everySec`
 * of stream time and the proposals whenever the board's list of keys or states changes.
 */
export class TextSink implements MessageSink {
  readonly name = 'text output';
  private lastMeterT = -Infinity;
  private lastList = '';
  private lastMessage: string | null = null;

  constructor(private readonly out: NodeJS.WritableStream, private readonly everySec = 5) {}

  write(msg: OutboundMessage): void {
    if (msg.type === 'meter' && msg.t - this.lastMeterT >= this.everySec - 1e-6) {
      this.lastMeterT = msg.t;
      const l = msg.loudness;
      this.out.write(`${fmt(msg.t, 1).padStart(7)} s  M ${fmt(l.momentaryLufs)}  S ${fmt(l.shortTermLufs)}  I ${fmt(l.integratedLufs, 1, 'LUFS')}  TP ${fmt(l.truePeakDbtp, 1, 'dBTP')}  LRA ${fmt(l.loudnessRangeLu, 1, 'LU')}  PLR ${fmt(l.plrDb, 1, 'dB')}\n`);
    } else if (msg.type === 'suggestions') {
      const list = msg.items.map((i) => `${i.suggestion.key}=${i.state}`).join(' ');
      if (list === this.lastList) return;
      this.lastList = list;
      // The daemon builds this message from the board's own items (the schema's type is only looser).
      this.out.write(proposalsText(msg.items as unknown as BoardItem[]));
    } else if (msg.type === 'notice' || (msg.type === 'status' && msg.message && msg.message !== this.lastMessage)) {
      if (msg.type === 'status') this.lastMessage = msg.message;
      this.out.write(`ama: ${msg.message}\n`);
    }
  }
}

/** The board's visible items as readable lines. */
export function proposalsText(items: readonly BoardItem[]): string {
  if (items.length === 0) return 'Proposals: none yet\n';
  return `Proposals:\n${items.map((i) => `  ${String(i.rank).padStart(2)} ${i.state.padEnd(9)} ${headline(i.suggestion)}${i.suggestion.scope === 'master' ? '' : ` [${i.suggestion.scope}]`}  (${i.suggestion.key})`).join('\n')}\n`;
}
