import type { SuggestionBoard } from '../suggest/board.js';
import type { BoardCommand, CommandResult } from '../suggest/boardTypes.js';
import { SurfaceFeed, type SurfaceMeter } from '../transport/osc/surface.js';
import { errorMessage } from '../util/errors.js';
import { AuditLog } from './audit.js';
import { DawBridge } from './bridge.js';
import { loadMapping } from './mapping.js';
import { DawPusher, type DawStatus } from './pusher.js';

/** What `ama listen/demo --daw ... --surface ...` configure. */
export interface DawServiceOptions {
  /** reaper | ableton | ardour | a mapping file; null: no DAW push (approvals stay approved). */
  daw: string | null;
  /** Override the mapping's host and port. */
  host?: string;
  port?: number;
  /** The append-only audit log (JSON lines); null: none. */
  auditLog: string | null;
  /** Where the control-surface feed goes, and the port it takes commands on. */
  surface: { target: { host: string; port: number } | null; listenPort: number | null } | null;
}

/**
 * The daemon's DAW side, in one place: the pusher (with its reachability checks), the bridge
 * between the board and the pusher, the audit log and the control-surface feed. start() never
 * fails because a DAW is absent (the status says unreachable); a broken mapping throws a
 * BAD_MAPPING error listing every problem before anything starts.
 */
export class DawService {
  private pusher: DawPusher | null = null;
  private surface: SurfaceFeed | null = null;
  private bridge!: DawBridge;
  private lastReachable: boolean | null | undefined = undefined;

  constructor(private readonly o: DawServiceOptions, private readonly board: SuggestionBoard, private readonly hooks: { now: () => number; log: (line: string) => void; onStatus: () => void; command: (cmd: BoardCommand, key: string) => CommandResult }) {}

  async start(): Promise<void> {
    const mapping = this.o.daw ? loadMapping(this.o.daw) : null; // throws with every problem
    const audit = this.o.auditLog ? new AuditLog(this.o.auditLog) : undefined;
    if (mapping) {
      this.pusher = new DawPusher(mapping, { host: this.o.host, port: this.o.port, audit, mappingName: this.o.daw!, log: (l) => this.hooks.log(`DAW: ${l}`), onStatus: () => this.statusChanged() });
      await this.pusher.start();
      const st = this.pusher.status();
      this.hooks.log(`DAW: ${mapping.daw} at ${st.host}:${st.port}: ${st.reachable ? 'reachable' : `unreachable (${st.message ?? 'no answer'}); approvals will fail with that reason until it answers`}`);
    }
    this.bridge = new DawBridge(this.board, this.pusher, { audit, now: this.hooks.now, log: this.hooks.log });
    if (this.o.surface) {
      const s = new SurfaceFeed({ ...this.o.surface, onCommand: (cmd, key) => this.hooks.command(cmd, key), log: this.hooks.log });
      try {
        await s.start();
        this.surface = s;
        const t = this.o.surface.target;
        this.hooks.log(`surface: ${t ? `feed to ${t.host}:${t.port}` : 'no feed target'}; commands on udp://127.0.0.1:${s.port}`);
      } catch (err) {
        this.hooks.log(`${errorMessage(err)}; going on without the control surface`);
      }
    }
  }

  /** A board command, with the DAW push or restore behind an accepted approve or undo. */
  command(cmd: BoardCommand, key: string): CommandResult {
    return this.bridge.command(cmd, key);
  }

  /** Reachability for the status message (undefined without a DAW). */
  status(): (Omit<DawStatus, 'daw'> & { daw: 'reaper' | 'ableton' | 'ardour' }) | undefined {
    return this.pusher ? (this.pusher.status() as Omit<DawStatus, 'daw'> & { daw: 'reaper' | 'ableton' | 'ardour' }) : undefined;
  }

  /** The board changed: audit state changes, refresh the surface. */
  boardChanged(): void {
    const items = this.board.items();
    this.bridge.observe(items);
    this.surface?.suggestions(items);
  }

  /** A meter frame for the surface. */
  meter(m: SurfaceMeter): void {
    this.surface?.meter(m);
  }

  /** Waits for running pushes, then closes everything. */
  async stop(): Promise<void> {
    await this.bridge?.settled();
    await Promise.allSettled([this.pusher?.stop() ?? Promise.resolve(), this.surface?.stop() ?? Promise.resolve()]);
  }

  private statusChanged(): void {
    const r = this.pusher?.status().reachable ?? null;
    if (r !== this.lastReachable) {
      this.lastReachable = r;
      this.surface?.reachability(r);
    }
    this.hooks.onStatus();
  }
}
