import type { BoardCommand, BoardItem, CommandResult } from '../suggest/boardTypes.js';
import type { SuggestionBoard } from '../suggest/board.js';
import { errorMessage } from '../util/errors.js';
import type { AuditLog } from './audit.js';
import type { DawPusher } from './pusher.js';

/**
 * Joins the SuggestionBoard and a DAW pusher: a command goes to the board first, and only an
 * approve the board accepted starts a push (so nothing unapproved is ever written); the push's
 * outcome comes back as applied or failed with a sentence. An undo the board accepted restores
 * what the push read. Every command and every state change (expired included) goes to the audit log.
 */
export class DawBridge {
  private readonly states = new Map<string, string>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly board: SuggestionBoard, private readonly pusher: DawPusher | null, private readonly o: { audit?: AuditLog; now: () => number; log?: (line: string) => void }) {}

  /** Applies a command from any output; the DAW work runs after it, in the background (see settled()). */
  command(cmd: BoardCommand, key: string): CommandResult {
    const item = this.board.items().find((i) => i.suggestion.key === key);
    const r = this.board.command(cmd, key, this.o.now());
    this.o.audit?.append(r.ok ? { event: 'command', key, command: cmd, ok: true, state: r.state } : { event: 'command', key, command: cmd, ok: false, message: r.message });
    if (!r.ok || !this.pusher) return r;
    if (cmd === 'approve' && item) this.track(this.approve(item));
    if (cmd === 'undo') this.track(this.undo(key));
    return r;
  }

  /** Resolves when every push and undo started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Logs state changes the board made by itself (expired, back to proposed) to the audit log. */
  observe(items: BoardItem[]): void {
    for (const it of items) {
      const k = it.suggestion.key;
      const prev = this.states.get(k) ?? null;
      if (prev !== it.state) {
        this.states.set(k, it.state);
        if (prev !== null || it.state !== 'proposed') this.o.audit?.append({ event: 'state', key: k, from: prev, to: it.state, ...(it.message ? { message: it.message } : {}) });
      }
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err) => this.o.log?.(`DAW: ${errorMessage(err)}`)).finally(() => this.inflight.delete(q));
    this.inflight.add(q);
  }

  private async approve(item: BoardItem): Promise<void> {
    const res = await this.pusher!.push(item.suggestion);
    const outcome = res.outcome === 'applied' ? 'applied' : 'failed';
    const mark = this.board.markPushed(item.suggestion.key, outcome, this.o.now(), res.message);
    this.o.log?.(`DAW push ${item.suggestion.key}: ${outcome}: ${res.message}${mark.ok ? '' : ` (board: ${mark.message})`}`);
  }

  private async undo(key: string): Promise<void> {
    const res = await this.pusher!.undo(key);
    if (res.outcome !== 'nothing') this.o.log?.(`DAW undo ${key}: ${res.outcome}: ${res.message}`);
  }
}
