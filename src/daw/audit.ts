import fs from 'node:fs';
import { AmaError, errorMessage } from '../util/errors.js';

/**
 * The append-only audit log of everything ama does to a DAW session, as JSON lines: each line is
 * one event with its wall time. Pushes record the values read before, the messages sent and the
 * values read back, so `ama audit FILE` can replay the log and explain every change.
 */

/** A value as read or sent: the wire value and the value in ama's unit. */
export interface AuditValue { wire: number | string | null; value: number | null }

/** One control touched by a push or an undo. */
export interface AuditOp {
  control: string;
  unit: string;
  before?: AuditValue;
  requested?: number;
  clamped?: boolean;
  sent?: AuditValue & { message: string };
  readBack?: AuditValue | null;
  ok?: boolean;
}

/** Events of the log. */
export type AuditEvent =
  | { event: 'session'; daw: string; host: string; port: number; mapping: string }
  | { event: 'command'; key: string; command: string; ok: boolean; state?: string; message?: string }
  | { event: 'state'; key: string; from: string | null; to: string; message?: string }
  | { event: 'refused'; key: string; reason: string }
  | { event: 'push'; key: string; suggestion: unknown; where: string; outcome: 'applied' | 'failed'; message: string; ops: AuditOp[] }
  | { event: 'undo'; key: string; outcome: 'restored' | 'failed' | 'nothing'; message: string; ops: AuditOp[] }
  | { event: 'reachability'; reachable: boolean; message: string | null }
  | { event: 'surface'; message: string };

/** A logged line: the event and when. */
export type AuditEntry = AuditEvent & { t: string; ms: number };

/** Appends events to a JSON-lines file (created if missing; never truncated). */
export class AuditLog {
  constructor(readonly file: string | null, private readonly now: () => number = Date.now) {}

  /** Appends one event; a failing disk is reported through `onError`, never thrown into a push. */
  append(e: AuditEvent, onError?: (err: unknown) => void): AuditEntry {
    const ms = this.now();
    const entry = { t: new Date(ms).toISOString(), ms, ...e } as AuditEntry;
    if (this.file) {
      try {
        fs.appendFileSync(this.file, JSON.stringify(entry) + '\n');
      } catch (err) {
        onError?.(err);
      }
    }
    return entry;
  }
}

/** Reads an audit log; a line that is not JSON is skipped and reported in `problems` as `line N: ...`. */
export function readAuditLog(file: string): { entries: AuditEntry[]; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AmaError('FILE_NOT_FOUND', `Cannot read the audit log ${file} (${errorMessage(err)}); give the file that --audit-log wrote.`);
  }
  const entries: AuditEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as AuditEntry;
      if (!e || typeof e !== 'object' || typeof e.event !== 'string') throw new Error('no "event" field');
      entries.push(e);
    } catch (err) {
      problems.push(`line ${i + 1}: not an audit event (${errorMessage(err)}); skipped`);
    }
  });
  return { entries, problems };
}

/** One control's change as the replay sees it. */
export interface ControlChange { key: string; control: string; unit: string; from: number | null; to: number | null; at: string; undoneAt: string | null }

/** The replay of a log: the changes in order, and the net state of each control. */
export interface AuditReplay {
  changes: ControlChange[];
  /** Per control: its value before ama's first change and after the last one still in effect (equal when all were undone). */
  net: Array<{ control: string; unit: string; original: number | null; now: number | null; byKeys: string[] }>;
  lines: string[];
}

const fmt = (v: number | null | undefined, unit: string) => (v === null || v === undefined ? '?' : `${Math.round(v * 1000) / 1000}${unit === 'switch' || unit === 'choice' || unit === 'ratio' ? '' : ' ' + unit}`);

/** Replays the log: explains every event as a sentence and works out which changes are still in effect. */
export function replayAudit(entries: AuditEntry[]): AuditReplay {
  const changes: ControlChange[] = [];
  const lines: string[] = [];
  const open = new Map<string, ControlChange[]>();
  const net = new Map<string, { control: string; unit: string; original: number | null; now: number | null; byKeys: Set<string> }>();
  for (const e of entries) {
    const when = e.t?.replace('T', ' ').replace('Z', '') ?? '';
    switch (e.event) {
      case 'session': lines.push(`${when}  session: ${e.daw} at ${e.host}:${e.port} (mapping ${e.mapping})`); break;
      case 'command': lines.push(`${when}  ${e.command} ${e.key}: ${e.ok ? e.state : `refused (${e.message})`}`); break;
      case 'state': lines.push(`${when}  ${e.key}: ${e.from ?? 'new'} -> ${e.to}${e.message ? ` (${e.message})` : ''}`); break;
      case 'refused': lines.push(`${when}  ${e.key}: nothing written: ${e.reason}`); break;
      case 'reachability': lines.push(`${when}  DAW ${e.reachable ? 'reachable' : `unreachable${e.message ? `: ${e.message}` : ''}`}`); break;
      case 'surface': lines.push(`${when}  surface: ${e.message}`); break;
      case 'push': {
        lines.push(`${when}  push ${e.key} -> ${e.where}: ${e.outcome}${e.message ? ` (${e.message})` : ''}`);
        const mine: ControlChange[] = [];
        for (const op of e.ops) {
          const sent = op.sent ? fmt(op.sent.value, op.unit) : 'not sent';
          lines.push(`      ${op.control}: ${fmt(op.before?.value, op.unit)} -> ${sent}${op.clamped ? ` (clamped from ${fmt(op.requested, op.unit)})` : ''}, read back ${op.readBack ? fmt(op.readBack.value, op.unit) : 'nothing'}${op.ok === false ? '  MISMATCH' : ''}`);
          if (!op.sent) continue;
          const c: ControlChange = { key: e.key, control: op.control, unit: op.unit, from: op.before?.value ?? null, to: op.readBack?.value ?? op.sent.value, at: e.t, undoneAt: null };
          changes.push(c);
          mine.push(c);
          const n = net.get(op.control) ?? { control: op.control, unit: op.unit, original: c.from, now: c.from, byKeys: new Set<string>() };
          n.now = c.to;
          n.byKeys.add(e.key);
          net.set(op.control, n);
        }
        open.set(e.key, mine);
        break;
      }
      case 'undo': {
        lines.push(`${when}  undo ${e.key}: ${e.outcome}${e.message ? ` (${e.message})` : ''}`);
        for (const op of e.ops) {
          lines.push(`      ${op.control}: restored ${fmt(op.sent?.value, op.unit)}, read back ${op.readBack ? fmt(op.readBack.value, op.unit) : 'nothing'}${op.ok === false ? '  MISMATCH' : ''}`);
          const n = net.get(op.control);
          if (n && op.sent) n.now = op.readBack?.value ?? op.sent.value;
        }
        for (const c of open.get(e.key) ?? []) c.undoneAt = e.t;
        open.delete(e.key);
        break;
      }
    }
  }
  return { changes, net: [...net.values()].map((n) => ({ ...n, byKeys: [...n.byKeys] })), lines };
}
