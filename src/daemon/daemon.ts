import fs from 'node:fs';
import path from 'node:path';
import { LiveAnalyzer, type LiveEvaluation, type MeterFrame } from '../analysis/live.js';
import type { CaptureEvent, CaptureSource } from '../audio/capture/types.js';
import { loadReferences, type LoadedTarget } from '../reference/references.js';
import { SuggestionBoard, type BoardOptions } from '../suggest/board.js';
import type { BoardCommand, CommandResult } from '../suggest/boardTypes.js';
import { validateSuggestOptions, type SuggestOptionsInput } from '../suggest/options.js';
import { AGENTS } from '../suggest/registry.js';
import { buildHello, buildMeter, buildNotice, buildProfile, buildSuggestions, compactComparison, type HelloMessage, type OutboundMessage } from '../transport/ws/protocol.js';
import { DEFAULT_FEED_OPTIONS, FeedServer } from '../transport/ws/server.js';
import { Dashboard } from '../ui/dashboard/dashboard.js';
import { errorMessage } from '../util/errors.js';
import type { DawService, DawServiceOptions } from '../daw/service.js';
import { JsonLinesSink, TextSink, type MessageSink } from './outputs.js';
import { CpuMeter, LiveStatsRecorder, statusMessage } from './status.js';
import { tapSource, type LiveSeparation } from '../separation/live.js';
import { setupLiveSeparation } from '../separation/liveSetup.js';

/** Options of a Daemon. */
export interface DaemonOptions {
  /** The live input: a PortAudio capture, or a file played as one (src/audio/playback.ts). */
  source: CaptureSource;
  /** What the source is, for hello messages. */
  sourceKind: 'device' | 'file' | 'demo';
  /** Reference tracks (2-3), analysed or loaded from the cache at start-up; or their target, already loaded. */
  refs: string[] | LoadedTarget;
  /** Sliding-window length of the live profile, s (1..600). */
  windowSec: number;
  /** Suggestion options as `ama suggest` takes them. */
  suggest?: SuggestOptionsInput;
  /** Board hysteresis overrides. */
  board?: Partial<BoardOptions>;
  /** The WebSocket feed; null: none. */
  feed: { host: string; port: number; token: string | null } | null;
  /** Where the daemon shows itself: the terminal dashboard, JSON lines, readable lines, or nothing. */
  output: 'dashboard' | 'json' | 'text' | 'none';
  /** Stop after this much stream time, s (tests, scripts); null: until stopped. */
  stopAfterSec?: number | null;
  /** The source is unpaced (read as fast as possible): time is stream time, and every evaluation is waited for. */
  unpaced?: boolean;
  /** Stop cleanly on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** ama's version, for hello. */
  version: string;
  /** Where JSON or text lines go (default process.stdout). */
  out?: NodeJS.WritableStream;
  /** Where sentences go while no dashboard is shown (default process.stderr). */
  err?: NodeJS.WritableStream;
  /** DAW push, audit log and control surface (src/daw/service.ts); absent: approvals stay approved. */
  daw?: DawServiceOptions | null;
}

/** How a daemon run ended. */
export interface DaemonResult {
  /** 0 after a requested stop or the end of the source; 1 when the source failed. */
  exitCode: number;
  /** Stream time analysed, s. */
  streamSec: number;
}

const STATUS_MS = 1000;
/**
 * Proposals are re-evaluated every 1.5 s of real time (the agents' interval may stretch to 2 s on a
 * slow machine): current enough to follow a fader move within two evaluations, and a third less CPU
 * than every second. Unpaced sources (files read as fast as possible) keep 1 s of audio time, so
 * their evaluations fall at whole seconds on any machine.
 */
const LIVE_EVALUATE_SEC = 1.5;
const MESSAGE_MS = 10_000;

/**
 * The live daemon: source -> LiveAnalyzer -> SuggestionBoard -> outputs (the WebSocket feed, the
 * dashboard or JSON/text lines). The constructor only stores the options; start() loads the
 * references (with progress), opens the feed and starts the analysis; stop() undoes it all with
 * Promise.allSettled. Every listener is wrapped: a failing output is logged and the others go on.
 * A feed that cannot open (port in use) is reported and left out; the analysis goes on.
 */
export class Daemon {
  private analyzer: LiveAnalyzer | null = null;
  private board: SuggestionBoard | null = null;
  private daw: DawService | null = null;
  private separation: LiveSeparation | null = null;
  private feed: FeedServer | null = null;
  private dashboard: Dashboard | null = null;
  private readonly sinks: MessageSink[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly abort = new AbortController();
  private readonly cpu = new CpuMeter();
  /** AMA_LIVE_STATS=<file>: CPU, RSS and block-to-frame delay, written there as JSON on stop (bench/daemon.ts). */
  private readonly liveStatsFile = process.env.AMA_LIVE_STATS || null;
  private readonly liveStats = this.liveStatsFile ? new LiveStatsRecorder() : null;
  private statusTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private finished!: (r: DaemonResult) => void;
  private readonly finishedP = new Promise<DaemonResult>((resolve) => (this.finished = resolve));
  private exitCode = 0;
  private ended = false;
  private startWall = 0;
  private message: { text: string; until: number } | null = null;
  private readonly deferredLog: string[] = [];
  private hello: Pick<HelloMessage, 'source' | 'references'> = { source: null, references: [] };
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.log(`${sig} received: stopping`);
    void this.stop();
  };

  /** The feed's port once started (null: no feed, or it could not open). */
  feedPort: number | null = null;

  /** Only stores the options; nothing starts before start(). */
  constructor(private readonly o: DaemonOptions) {}

  /** Loads the references, opens the outputs and starts analysing; resolves once running. */
  async start(): Promise<void> {
    const o = this.o;
    if (o.handleSignals ?? true) {
      process.on('SIGINT', this.onSignal);
      process.on('SIGTERM', this.onSignal);
    }
    const loaded = Array.isArray(o.refs) ? await loadTargetWithProgress(o.refs, (l) => this.writeErr(l)) : o.refs;
    const suggestOptions = validateSuggestOptions(o.suggest ?? {}, [...AGENTS.keys()]);
    const fmt = o.source.format;
    // Stems: the references separated once, the stream's latest window whenever the separator is free.
    const { target, separation } = await setupLiveSeparation(loaded, suggestOptions, fmt, (l) => this.writeErr(l));
    this.separation = separation;
    const analyzer = new LiveAnalyzer({
      sampleRate: fmt.sampleRate, layout: fmt.layout, windowSec: o.windowSec, target, suggestOptions, windowStems: () => separation?.features ?? null,
      waitForEvaluations: o.unpaced ?? false, evaluateIntervalSec: o.unpaced ? 1 : LIVE_EVALUATE_SEC, simulateSlowMs: slowAnalysisMs(), onListenerError: (what, err) => this.log(`${what} failed (${errorMessage(err)}); the analysis goes on`),
    });
    const board = new SuggestionBoard(o.board ?? {}, { onListenerError: (err) => this.log(`a board listener failed (${errorMessage(err)})`) });
    this.analyzer = analyzer;
    this.board = board;
    const stats = o.source.stats();
    this.hello = {
      source: { kind: o.sourceKind, name: stats.deviceName, sampleRateHz: fmt.sampleRate, channels: fmt.channels },
      references: loaded.target.references.map((r) => ({ name: path.basename(r.file), integratedLufs: r.integratedLufs })),
    };
    if (o.daw && (o.daw.daw || o.daw.surface || o.daw.auditLog)) {
      const { DawService } = await import('../daw/service.js');
      const daw = new DawService(o.daw, board, { now: () => this.now(), log: (l) => this.log(l), onStatus: () => this.guard('the status', () => this.publishStatus()), command: (c, k) => this.command(c, k) });
      await daw.start();
      this.daw = daw;
      this.unsubscribe.push(board.onChange(() => this.guard('the DAW side', () => daw.boardChanged())));
    }
    await this.openOutputs();
    this.unsubscribe.push(
      analyzer.onMeter((m) => this.onMeter(m)),
      analyzer.onEvaluation((e) => this.onEvaluation(e)),
      board.onChange(() => this.publish(buildSuggestions(board.items(), board.revision))),
    );
    this.startWall = Date.now();
    this.publish(buildSuggestions(board.items(), board.revision));
    this.publishStatus();
    this.statusTimer = setInterval(() => this.guard('the status', () => this.publishStatus()), STATUS_MS);
    const source = separation ? tapSource(o.source, (b) => this.guard('the separator', () => separation.push(b))) : o.source;
    this.running = analyzer.run(source, this.abort.signal, o.stopAfterSec).then(
      async () => {
        if (this.stopping) return;
        const limit = o.stopAfterSec;
        if (limit != null && analyzer.streamSec >= limit - 1e-9) this.log(`stopped after ${limit} s of audio`, false);
        else {
          this.ended = true;
          this.log('the source ended');
        }
        await analyzer.evaluate(); // the figures of everything heard, to every output
      },
      (err: unknown) => { this.exitCode = 1; this.log(`the input failed: ${errorMessage(err)}`); },
    ).finally(() => void this.stop());
  }

  /** Resolves when the daemon has stopped (by stop(), a signal, q, the end of the source or a failure). */
  done(): Promise<DaemonResult> {
    return this.finishedP;
  }

  /** Applies approve / reject / undo from any output to the board; the change goes to every output. */
  command(cmd: BoardCommand, key: string): CommandResult {
    if (!this.board) return { ok: false, key, code: 'UNKNOWN_KEY', message: 'The board is not running yet.' };
    const r = this.daw ? this.daw.command(cmd, key) : this.board.command(cmd, key, this.now());
    if (r.ok) this.log(`${r.state} ${key}`, false);
    return r;
  }

  /** A capture event (device lost, retrying, resumed, overruns): shown on every output. */
  sourceEvent(e: CaptureEvent): void {
    this.log(e.message);
    this.publishStatus();
  }

  /** Stops everything it started; the terminal is given back first. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.guard('the dashboard', () => this.dashboard?.stop());
    this.dashboard = null;
    for (const line of this.deferredLog) this.writeErr(line);
    this.deferredLog.length = 0;
    this.publishStatus();
    this.publish(buildNotice('SHUTDOWN', 'ama is stopping.'));
    for (const u of this.unsubscribe.splice(0)) u();
    const results = await Promise.allSettled([
      this.o.source.close(), this.running ?? Promise.resolve(), this.analyzer?.close() ?? Promise.resolve(),
      this.feed?.stop() ?? Promise.resolve(), this.daw?.stop() ?? Promise.resolve(), this.separation?.close() ?? Promise.resolve(), ...this.sinks.map((s) => s.close?.() ?? Promise.resolve()),
    ]);
    for (const r of results) if (r.status === 'rejected') this.writeErr(`ama: stopping: ${errorMessage(r.reason)}`);
    if (this.liveStats && this.liveStatsFile) {
      try {
        fs.writeFileSync(this.liveStatsFile, JSON.stringify(this.liveStats.result()) + '\n');
      } catch (err) {
        this.writeErr(`ama: AMA_LIVE_STATS: ${errorMessage(err)}`);
      }
    }
    this.finished({ exitCode: this.exitCode, streamSec: this.analyzer?.streamSec ?? 0 });
  }

  private async openOutputs(): Promise<void> {
    const o = this.o;
    let feedUrl: string | null = null;
    if (o.feed) {
      const feed = new FeedServer({
        host: o.feed.host, port: o.feed.port, token: o.feed.token, version: o.version, hello: () => this.hello,
        onCommand: (cmd, key) => this.command(cmd, key), log: (line) => this.log(`feed: ${line}`),
      });
      try {
        const { port } = await feed.start();
        this.feed = feed;
        this.feedPort = port;
        feedUrl = `ws://${o.feed.host.includes(':') ? `[${o.feed.host}]` : o.feed.host}:${port}`;
        this.sinks.push({ name: 'the WebSocket feed', write: (m) => void feed.broadcast(m) });
        this.writeErr(`ama: feed on ${feedUrl}${o.feed.token ? ' (token required)' : ''}; page on http://${o.feed.host}:${port}/`);
      } catch (err) {
        this.log(`${errorMessage(err)}; going on without the WebSocket feed`);
      }
    }
    const out = o.out ?? process.stdout;
    if (o.output === 'json') this.sinks.push(new JsonLinesSink(out as NodeJS.WriteStream));
    if (o.output === 'text') this.sinks.push(new TextSink(out));
    if (o.output === 'json') this.publish(buildHello({ server: { name: 'ama', version: o.version }, ...this.hello, maxMessageBytes: DEFAULT_FEED_OPTIONS.maxMessageBytes }));
    if (o.output === 'dashboard') {
      const refs = this.hello.references.map((r) => r.name).join(', ');
      const dashboard = new Dashboard({
        title: `${this.hello.source?.name ?? ''} vs ${refs}`, feed: feedUrl,
        onCommand: (cmd, key) => this.command(cmd, key), onQuit: () => void this.stop(),
      });
      dashboard.start();
      this.dashboard = dashboard;
      const update = (m: OutboundMessage) => {
        if (m.type === 'meter') dashboard.update({ meter: m });
        else if (m.type === 'profile') dashboard.update({ profile: m });
        else if (m.type === 'status') dashboard.update({ status: m });
        else if (m.type === 'suggestions' && this.board) dashboard.update({ items: this.board.items() });
      };
      this.sinks.push({ name: 'the dashboard', write: update });
    }
  }

  private onMeter(m: MeterFrame): void {
    this.publish(buildMeter(m.t, m.loudness));
    if (this.daw) this.guard('the control surface', () => this.daw!.meter(m.loudness));
    this.liveStats?.frame(this.analyzer?.blockArrivalMs ?? null);
  }

  private onEvaluation(e: LiveEvaluation): void {
    const comparison = e.comparisons ? compactComparison(e.comparisons, 'window') : null;
    this.publish(buildProfile({ t: e.t, windowSec: this.analyzer?.windowSec ?? this.o.windowSec, window: e.window, session: e.session, comparison }));
    for (const n of e.notes) if (n.startsWith('No proposals this time')) this.log(n);
    if (e.suggestions && this.board && !this.stopping) this.board.update(e.suggestions, this.now());
  }

  private publishStatus(): void {
    const t = this.analyzer?.streamSec ?? 0;
    const message = this.message && this.message.until > Date.now() ? this.message.text : null;
    this.publish(statusMessage({ t, stats: this.o.source.stats(), ended: this.ended, clients: this.feed?.clientCount ?? 0, cpuShare: this.cpu.sample(), message, daw: this.daw?.status(), separation: this.separation?.status() }));
  }

  /** Sends a message to every output, each in its own try/catch. */
  private publish(msg: OutboundMessage): void {
    for (const sink of this.sinks) this.guard(sink.name, () => sink.write(msg));
  }

  /** Clock of the board: wall time, or stream time for an unpaced source (so hysteresis is in audio seconds). */
  private now(): number {
    return this.o.unpaced ? this.startWall + (this.analyzer?.streamSec ?? 0) * 1000 : Date.now();
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`${what} failed (${errorMessage(err)}); the daemon goes on`);
    }
  }

  /** A sentence for the user: on stderr, or (under the dashboard) on the status line and again on exit. */
  private log(line: string, important = true): void {
    this.message = { text: line, until: Date.now() + MESSAGE_MS };
    if (this.dashboard) {
      if (important) this.deferredLog.push(`ama: ${line}`);
    } else if (important || this.o.output === 'text') this.writeErr(`ama: ${line}`);
  }

  private writeErr(line: string): void {
    if (this.dashboard) return void this.deferredLog.push(line);
    (this.o.err ?? process.stderr).write(line + '\n');
  }
}

/** AMA_SIMULATE_SLOW_MS=<ms per block>: makes the analysis slower than real time on purpose (tests of overruns, capacity checks). */
function slowAnalysisMs(): number {
  const v = Number(process.env.AMA_SIMULATE_SLOW_MS ?? 0);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 10_000) : 0;
}

/** Loads the references (analysed once, then from the cache) with a progress bar on a terminal, and says what was loaded. */
export async function loadTargetWithProgress(refs: string[], say: (line: string) => void): Promise<LoadedTarget> {
  say(`ama: loading ${refs.length} reference${refs.length === 1 ? '' : 's'} (analysed once, then read from the cache)`);
  const loaded = await loadReferences(refs);
  for (const r of loaded.references) {
    if (r.analysis) say(`ama:   ${path.basename(r.file)}: ${r.analysis.loudness.integratedLufs?.toFixed(1) ?? 'n/a'} LUFS${r.cached ? ' (cached)' : ''}`);
  }
  for (const w of loaded.warnings) say(`ama: warning: ${w}`);
  return loaded;
}
