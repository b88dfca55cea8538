import type { Suggestion } from './types.js';

/**
 * Life of a proposal on the SuggestionBoard that every output (dashboard, WebSocket feed, control
 * surfaces) shows. `pending`: seen, not yet stable (hidden from outputs); `proposed`: stable, shown;
 * `approved`: the engineer said yes (a DAW push, when configured, moves it on to `applied` or
 * `failed`); `undone`: taken back; `rejected`: the engineer said no (not proposed again while the
 * mix stays the same); `expired`: no longer proposed by the agents.
 */
export type SuggestionState = 'pending' | 'proposed' | 'approved' | 'applied' | 'failed' | 'undone' | 'rejected' | 'expired';

/** A suggestion as the board shows it. */
export interface BoardItem {
  suggestion: Suggestion;
  state: SuggestionState;
  /** When the item entered its current state, ms since the epoch (or since the stream started offline). */
  sinceMs: number;
  /** How long the agents have proposed it continuously, s. */
  stableForSec: number;
  /** Rank among visible items, 1 = largest expected effect. */
  rank: number;
  /** Last problem (e.g. a failed push), as a sentence. */
  message?: string;
}

/** Commands that come back from any output. */
export type BoardCommand = 'approve' | 'reject' | 'undo';

/** Result of a command: the new state, or why it was refused. */
export type CommandResult = { ok: true; key: string; state: SuggestionState } | { ok: false; key: string; code: 'UNKNOWN_KEY' | 'BAD_STATE'; message: string };

/** The board's surface, as the outputs and the daemon use it. */
export interface Board {
  /** Feeds the latest evaluation (every 1-2 s); hysteresis decides what becomes visible. */
  update(suggestions: readonly Suggestion[], nowMs: number): void;
  /** Applies a command by suggestion key. */
  command(cmd: BoardCommand, key: string, nowMs: number): CommandResult;
  /** Visible items (state != pending), ranked. */
  items(): BoardItem[];
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(fn: () => void): () => void;
}
