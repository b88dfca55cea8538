import type { Board, BoardCommand, BoardItem, CommandResult, SuggestionState } from './boardTypes.js';
import { effectMoved, resolveBoardOptions, suggestionMoved, type BoardOptions } from './boardParams.js';
import { expectedEffect } from './engine.js';
import type { Suggestion } from './types.js';

export { DEFAULT_BOARD_OPTIONS, type BoardOptions } from './boardParams.js';

/**
 * The SuggestionBoard: the one list of proposals that every output shows, with hysteresis so that
 * it holds still while the music goes on. Pure logic: time comes in as `nowMs` (earlier times than
 * the latest seen are taken as the latest), and nothing runs between calls.
 *
 * - A key is shown (`pending` -> `proposed`) once the agents have proposed it in K consecutive
 *   evaluations spanning at least T s; one absence while pending starts the count again.
 * - A shown item keeps its displayed suggestion until the parameters move by more than a deadband
 *   (0.5 dB, 10 % of a frequency, 10 % of other numbers, compared with what is shown, so slow drift
 *   is followed and jitter is not) or its expected effect moves clearly.
 * - It expires once absent from M consecutive evaluations and not proposed for S s; one presence
 *   resets the count. Expired, rejected and undone items stay listed for `retainSec`, then hide.
 * - Ranks follow a held expected effect that changes only by more than `rankDeadbandPct`, so the
 *   order changes only on a clear change; ties keep the order items appeared in.
 * - Commands: approve and reject from `proposed`; undo from `approved`, `applied` or `failed`.
 *   A rejected key is not proposed again until its parameters move by `rejectFactor` deadbands from
 *   those rejected (then it goes through the appearance hysteresis again). Approved, applied and
 *   failed items are frozen: they neither expire nor change their numbers. After `retainSec` an
 *   undone item goes back to `proposed` if the agents still propose it, and is dropped otherwise.
 */

interface Entry {
  state: SuggestionState;
  /** What outputs show (held). */
  shown: Suggestion;
  sinceMs: number;
  streak: number;
  streakStartMs: number;
  absent: number;
  lastSeenMs: number;
  /** Start of the current run of presence (gaps shorter than the expiry do not break it). */
  presentSinceMs: number;
  heldEffect: number;
  visibleSinceMs: number;
  /** Bumped whenever `shown` is replaced, for change detection. */
  version: number;
  hidden: boolean;
  /** What was shown when it was rejected (a material move away from it lifts the rejection). */
  rejectedShown?: Suggestion;
  /** While undone: the latest proposal, if the agents still make it. */
  pendingReturn?: Suggestion;
  message?: string;
}

const ACTIVE: ReadonlySet<SuggestionState> = new Set(['proposed', 'approved', 'applied', 'failed']);
const FROZEN: ReadonlySet<SuggestionState> = new Set(['approved', 'applied', 'failed']);

/** Allowed command transitions: command -> (from state -> to state). */
const TRANSITIONS: Record<BoardCommand, Partial<Record<SuggestionState, SuggestionState>>> = {
  approve: { proposed: 'approved' },
  reject: { proposed: 'rejected' },
  undo: { approved: 'undone', applied: 'undone', failed: 'undone' },
};

/** The board every output shows (see the module comment for its hysteresis and states). */
export class SuggestionBoard implements Board {
  private readonly o: BoardOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private readonly onListenerError: (err: unknown) => void;
  private nowMs = -Infinity;
  private signature = '';
  private rev = 0;

  /** `options` override DEFAULT_BOARD_OPTIONS (invalid ones throw an AmaError listing every problem). */
  constructor(options: Partial<BoardOptions> = {}, hooks: { onListenerError?: (err: unknown) => void } = {}) {
    this.o = resolveBoardOptions(options);
    this.onListenerError = hooks.onListenerError ?? (() => {});
  }

  /** Increments on every visible change (state, shown numbers, rank, listing). */
  get revision(): number {
    return this.rev;
  }

  /** Feeds one evaluation's proposals (the first of duplicate keys wins). */
  update(suggestions: readonly Suggestion[], nowMs: number): void {
    const now = this.tick(nowMs);
    const seen = new Map<string, Suggestion>();
    for (const s of suggestions) if (s && typeof s.key === 'string' && !seen.has(s.key)) seen.set(s.key, s);
    for (const [key, s] of seen) {
      const e = this.entries.get(key);
      if (!e) this.entries.set(key, this.fresh(s, now));
      else this.present(e, s, now);
    }
    for (const [key, e] of this.entries) if (!seen.has(key)) this.absentFrom(key, e, now);
    this.prune();
    this.settle();
  }

  /** Applies approve, reject or undo to a shown item; refusals say why and change nothing. */
  command(cmd: BoardCommand, key: string, nowMs: number): CommandResult {
    const now = this.tick(nowMs);
    const table = Object.hasOwn(TRANSITIONS, cmd) ? TRANSITIONS[cmd] : undefined;
    if (!table) return { ok: false, key, code: 'BAD_STATE', message: `Unknown command "${String(cmd)}"; accepted: approve, reject, undo.` };
    const e = this.entries.get(key);
    if (!e || e.state === 'pending' || e.hidden) {
      return { ok: false, key, code: 'UNKNOWN_KEY', message: `No suggestion with key "${key}" is on the board; use a key from the latest suggestions list.` };
    }
    const to = table[e.state];
    if (!to) {
      const from = Object.keys(table).join(' or ');
      return { ok: false, key, code: 'BAD_STATE', message: `Cannot ${cmd} "${key}": it is ${e.state}; ${cmd} applies to a suggestion that is ${from}.` };
    }
    if (to === 'rejected') e.rejectedShown = e.shown;
    this.enter(e, to, now);
    delete e.message;
    this.settle();
    return { ok: true, key, state: to };
  }

  /** Records the outcome of a DAW push of an approved item: `applied`, or `failed` with the problem as a sentence. */
  markPushed(key: string, outcome: 'applied' | 'failed', nowMs: number, message?: string): CommandResult {
    const now = this.tick(nowMs);
    const e = this.entries.get(key);
    if (!e || e.state === 'pending' || e.hidden) return { ok: false, key, code: 'UNKNOWN_KEY', message: `No suggestion with key "${key}" is on the board.` };
    if (e.state !== 'approved') return { ok: false, key, code: 'BAD_STATE', message: `Cannot mark "${key}" ${outcome}: it is ${e.state}, not approved.` };
    this.enter(e, outcome, now);
    if (message) e.message = message;
    else delete e.message;
    this.settle();
    return { ok: true, key, state: outcome };
  }

  /** Visible items, ranked: active ones (proposed, approved, applied, failed) first, then the ones fading out. */
  items(): BoardItem[] {
    const visible = [...this.entries.entries()].filter(([, e]) => e.state !== 'pending' && !e.hidden);
    visible.sort(([ka, a], [kb, b]) => {
      const group = (e: Entry) => (ACTIVE.has(e.state) ? 0 : 1);
      const note = (e: Entry) => (e.shown.kind === 'note' ? 1 : 0);
      return group(a) - group(b) || note(a) - note(b) || b.heldEffect - a.heldEffect
        || (note(a) ? b.shown.confidence - a.shown.confidence : 0) || a.visibleSinceMs - b.visibleSinceMs || (ka < kb ? -1 : ka > kb ? 1 : 0);
    });
    return visible.map(([, e], i) => {
      const stableFor = Math.max(0, e.lastSeenMs - e.presentSinceMs) / 1000;
      const item: BoardItem = { suggestion: e.shown, state: e.state, sinceMs: e.sinceMs, stableForSec: Math.round(stableFor * 10) / 10, rank: i + 1 };
      if (e.message) item.message = e.message;
      return item;
    });
  }

  /** Subscribes to visible changes; returns the unsubscribe function. A throwing listener is reported and skipped. */
  onChange(fn: () => void): () => void {
    const wrapped = () => fn();
    this.listeners.add(wrapped);
    return () => void this.listeners.delete(wrapped);
  }

  private tick(nowMs: number): number {
    if (Number.isFinite(nowMs) && nowMs > this.nowMs) this.nowMs = nowMs;
    return Number.isFinite(this.nowMs) ? this.nowMs : 0;
  }

  private fresh(s: Suggestion, now: number): Entry {
    const e: Entry = {
      state: 'pending', shown: s, sinceMs: now, streak: 1, streakStartMs: now, absent: 0, lastSeenMs: now,
      presentSinceMs: now, heldEffect: expectedEffect(s), visibleSinceMs: now, version: 0, hidden: false,
    };
    this.maybeShow(e, s, now);
    return e;
  }

  private enter(e: Entry, state: SuggestionState, now: number): void {
    e.state = state;
    e.sinceMs = now;
    e.hidden = false;
  }

  /** Pending -> proposed once K presences span T s. */
  private maybeShow(e: Entry, s: Suggestion, now: number): void {
    if (e.streak >= this.o.appearEvaluations && now - e.streakStartMs >= this.o.appearSec * 1000) {
      this.enter(e, 'proposed', now);
      this.replace(e, s);
      e.heldEffect = expectedEffect(s);
      e.visibleSinceMs = now;
    }
  }

  private replace(e: Entry, s: Suggestion): void {
    e.shown = s;
    e.version++;
  }

  private restart(e: Entry, s: Suggestion, now: number): void {
    e.state = 'pending';
    e.sinceMs = now;
    e.hidden = false;
    e.streak = 1;
    e.streakStartMs = now;
    e.presentSinceMs = now;
    delete e.rejectedShown;
    delete e.message;
    this.replace(e, s);
    this.maybeShow(e, s, now);
  }

  private present(e: Entry, s: Suggestion, now: number): void {
    e.absent = 0;
    e.lastSeenMs = now;
    e.streak++;
    switch (e.state) {
      case 'pending':
        e.shown = s;
        this.maybeShow(e, s, now);
        return;
      case 'proposed': {
        const eff = expectedEffect(s);
        const rerank = effectMoved(e.heldEffect, eff, this.o);
        if (rerank) e.heldEffect = eff;
        if (rerank || suggestionMoved(e.shown, s, this.o)) this.replace(e, s);
        return;
      }
      case 'rejected':
        if (suggestionMoved(e.rejectedShown ?? e.shown, s, this.o, this.o.rejectFactor)) this.restart(e, s, now);
        return;
      case 'expired':
        this.restart(e, s, now);
        return;
      case 'undone':
        e.pendingReturn = s;
        return;
      default:
        return; // approved, applied, failed: frozen
    }
  }

  private absentFrom(key: string, e: Entry, now: number): void {
    e.absent++;
    e.streak = 0;
    if (e.state === 'pending') this.entries.delete(key);
    else if (e.state === 'proposed' && e.absent >= this.o.expireEvaluations && now - e.lastSeenMs >= this.o.expireSec * 1000) this.enter(e, 'expired', now);
    else if (e.state === 'undone') delete e.pendingReturn;
  }

  /** Retention: fading items hide after retainSec; undone ones return if still proposed. */
  private prune(): void {
    const now = this.nowMs;
    for (const [key, e] of this.entries) {
      if (FROZEN.has(e.state) || e.state === 'pending' || e.state === 'proposed' || e.hidden) continue;
      if (now - e.sinceMs < this.o.retainSec * 1000) continue;
      if (e.state === 'rejected') e.hidden = true;
      else if (e.state === 'expired') this.entries.delete(key);
      else if (e.state === 'undone') {
        if (e.pendingReturn) {
          const s = e.pendingReturn;
          delete e.pendingReturn;
          this.enter(e, 'proposed', now);
          this.replace(e, s);
          e.heldEffect = expectedEffect(s);
          e.visibleSinceMs = now;
        } else this.entries.delete(key);
      }
    }
    if (this.entries.size <= this.o.maxRemembered) return;
    const forgettable = [...this.entries.entries()].filter(([, e]) => e.hidden).sort(([, a], [, b]) => a.sinceMs - b.sinceMs);
    for (const [key] of forgettable.slice(0, this.entries.size - this.o.maxRemembered)) this.entries.delete(key);
  }

  /** Bumps the revision and tells the listeners when what outputs show has changed. */
  private settle(): void {
    const sig = this.items().map((it) => `${it.suggestion.key}\u0000${it.state}\u0000${this.entries.get(it.suggestion.key)!.version}\u0000${it.message ?? ''}`).join('\u0001');
    if (sig === this.signature) return;
    this.signature = sig;
    this.rev++;
    for (const fn of [...this.listeners]) {
      try {
        fn();
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
