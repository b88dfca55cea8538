import { arrivalOf } from '../audio/arrival.js';
import type { AudioBlock, AudioSource } from '../audio/types.js';
import { compareToTarget, type FeatureComparison } from '../reference/compare.js';
import { distanceToTarget, type TargetDistance } from '../reference/distance.js';
import type { ReferenceTarget } from '../reference/target.js';
import { validateSuggestOptions, type SuggestOptions } from '../suggest/options.js';
import { AGENTS } from '../suggest/registry.js';
import type { Suggestion } from '../suggest/types.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { LoudnessMeter } from './loudness.js';
import { defaultAgentRunner, type AgentRunner } from './liveAgents.js';
import { LiveProfileParts } from './liveProfile.js';
import type { LiveAnalyzerOptions, LiveEvaluation, MeterFrame } from './liveTypes.js';
import { windowLoudness } from './liveWindow.js';
import { assembleProfile } from './profile/index.js';
import type { StemsProfile } from '../separation/stemSchema.js';

export type { LiveLoudness } from './liveWindow.js';
export type { EvaluationCost, LiveAnalyzerOptions, LiveEvaluation, MeterFrame } from './liveTypes.js';

/** Share of stream time the agents may take before the evaluation interval is stretched (5 %: the daemon as a whole aims under 10 % of a core). */
export const EVALUATION_DUTY = 0.05;
/** Longest interval between evaluations, s. */
export const MAX_EVALUATE_INTERVAL_SEC = 2;
/** Longest run of blocks processed before yielding to the event loop (timers, sockets, keys), ms. */
const YIELD_AFTER_MS = 20;

type Listener<T> = (value: T) => void;

/**
 * Streaming analysis of a live source: the offline LoudnessMeter and profile analyzers (one shared
 * STFT for the session and sliding-window profiles, see LiveProfileParts) fed block by block. Emits
 * a MeterFrame every meterIntervalSec of stream time (blocks are split at those boundaries, so the
 * rate does not depend on the block size) and an evaluation every evaluateIntervalSec: both
 * profiles and the comparison with the target, read on the analysis loop (about 1 ms), then the
 * agents' proposals from the AgentRunner (a worker thread: 100-400 ms that never hold up the
 * loop). One evaluation at a time: one that falls due while the agents still run waits for them.
 * The interval stretches (up to 2 s) to keep the agents under EVALUATION_DUTY of the stream.
 */
export class LiveAnalyzer {
  /** Sliding-window length, s. */
  readonly windowSec: number;
  /** Hz. */
  readonly sampleRate: number;
  private readonly meter: LoudnessMeter;
  private readonly parts: LiveProfileParts;
  private readonly meterFrames: number;
  private readonly baseEvalSec: number;
  private evalSec: number;
  private readonly target: ReferenceTarget | null;
  private readonly runner: AgentRunner | null;
  private readonly suggestOptions: SuggestOptions;
  private readonly ownsRunner: boolean;
  private readonly waitForEvaluations: boolean;
  private readonly slowMs: number;
  private readonly meterListeners = new Set<Listener<MeterFrame>>();
  private readonly evalListeners = new Set<Listener<LiveEvaluation>>();
  private readonly onListenerError: (what: string, err: unknown) => void;
  private readonly windowStems: (() => StemsProfile | null) | undefined;
  private frames = 0;
  private nextMeterAt: number;
  private nextEvalAt: number;
  private inFlight: Promise<LiveEvaluation> | null = null;
  private last: LiveEvaluation | null = null;
  private arrival: number | null = null;

  /** Validates the options; throws AmaError BAD_OPTION with the allowed range. Starts nothing. */
  constructor(o: LiveAnalyzerOptions) {
    const windowSec = o.windowSec ?? 30;
    const meterSec = o.meterIntervalSec ?? 0.1;
    const evalSec = o.evaluateIntervalSec ?? 1;
    const check = (name: string, v: number, lo: number, hi: number) => {
      if (!(v >= lo && v <= hi)) throw new AmaError('BAD_OPTION', `${name} must be within [${lo}, ${hi}] s, got ${v}`);
    };
    check('windowSec', windowSec, 1, 600);
    check('meterIntervalSec', meterSec, 0.01, 0.1);
    check('evaluateIntervalSec', evalSec, 0.25, MAX_EVALUATE_INTERVAL_SEC);
    this.windowSec = windowSec;
    this.sampleRate = o.sampleRate;
    this.meter = new LoudnessMeter({ sampleRate: o.sampleRate, layout: o.layout });
    this.parts = new LiveProfileParts({ sampleRate: o.sampleRate, channels: o.layout.length, layout: o.layout }, windowSec);
    this.meterFrames = Math.max(1, Math.round(meterSec * o.sampleRate));
    this.baseEvalSec = this.evalSec = evalSec;
    this.nextMeterAt = this.meterFrames;
    this.nextEvalAt = Math.round(evalSec * o.sampleRate);
    this.target = o.target ?? null;
    this.suggestOptions = o.suggestOptions ?? validateSuggestOptions({}, [...AGENTS.keys()]);
    this.ownsRunner = !o.agentRunner && this.target !== null;
    this.runner = o.agentRunner ?? (this.target ? defaultAgentRunner(this.target, this.suggestOptions) : null);
    this.waitForEvaluations = o.waitForEvaluations ?? false;
    this.slowMs = Math.max(0, o.simulateSlowMs ?? 0);
    this.windowStems = o.windowStems;
    this.onListenerError = o.onListenerError ?? ((what, err) => process.stderr.write(`ama: ${what} failed: ${errorMessage(err)}\n`));
  }

  /** Subscribes to meter frames; returns the unsubscribe function. */
  onMeter(fn: Listener<MeterFrame>): () => void {
    this.meterListeners.add(fn);
    return () => this.meterListeners.delete(fn);
  }

  /** Subscribes to evaluations; returns the unsubscribe function. */
  onEvaluation(fn: Listener<LiveEvaluation>): () => void {
    this.evalListeners.add(fn);
    return () => this.evalListeners.delete(fn);
  }

  /** Stream time so far, s. */
  get streamSec(): number {
    return this.frames / this.sampleRate;
  }

  /** The latest evaluation, or null before the first. */
  get latest(): LiveEvaluation | null {
    return this.last;
  }

  /** When the block being processed was captured (performance.now() ms; src/audio/arrival.ts), or null when its source did not say. */
  get blockArrivalMs(): number | null {
    return this.arrival;
  }

  /** Feeds one block; emits the meter frames it completes, and starts an evaluation when one is due. */
  process(block: AudioBlock): void {
    const n = block[0]?.length ?? 0;
    this.arrival = arrivalOf(block);
    let pos = 0;
    while (pos < n) {
      const take = Math.min(n - pos, this.nextMeterAt - this.frames);
      const part = pos === 0 && take === n ? block : block.map((ch) => ch.subarray(pos, pos + take));
      this.meter.process(part);
      this.parts.process(part);
      pos += take;
      this.frames += take;
      if (this.frames === this.nextMeterAt) {
        this.nextMeterAt += this.meterFrames;
        this.emit(this.meterListeners, this.meterFrame(), 'a meter listener');
        if (this.frames >= this.nextEvalAt && !this.inFlight) void this.start();
      }
    }
  }

  /** The current meter frame: every figure of the meter, read now (LoudnessMeter.read() stays cheap for hours of audio). */
  meterFrame(): MeterFrame {
    const { nonFiniteSamples: _n, ...loudness } = this.meter.read();
    return { t: this.streamSec, loudness };
  }

  /**
   * Evaluates the figures as they are now (after the evaluation in flight, if any; the latest one
   * when no audio came since), emits the result to the listeners and schedules the next one. Never
   * rejects: a failed agents run gives suggestions null.
   */
  async evaluate(): Promise<LiveEvaluation> {
    while (this.inFlight) await this.inFlight;
    if (this.last && this.last.t === this.streamSec) return this.last; // nothing new since
    return this.start();
  }

  private start(): Promise<LiveEvaluation> {
    const t0 = performance.now();
    const t = this.streamSec;
    const reading = this.meter.read();
    const { nonFiniteSamples, ...live } = reading;
    const { momentaryLufs: _m, shortTermLufs: _s, ...loudness } = live;
    const inputs = { ...reading, shortTermHistory: this.meter.shortTermHistory() };
    const readings = this.parts.read();
    const session = assembleProfile(this.parts.sessionOptions, readings.session, inputs);
    const win = windowLoudness(this.meter, loudness, this.windowSec);
    const window = assembleProfile(this.parts.windowOptions, readings.window, { ...inputs, ...win });
    const stems = this.windowStems?.();
    if (stems) window.stems = stems;
    const notes: string[] = [];
    if (nonFiniteSamples > 0) notes.push(`${nonFiniteSamples} NaN/Inf samples were read as silence: a plug-in or the device delivers broken audio.`);
    let comparisons: FeatureComparison[] | null = null;
    let distance: TargetDistance | null = null;
    const figures = { loudness: win, profile: window };
    if (this.target) {
      comparisons = compareToTarget(figures, this.target);
      const o = this.suggestOptions.agentOptions;
      distance = distanceToTarget(figures, this.target, { loudnessTargetLufs: o.loudnessTargetLufs, ceilingDbtp: o.ceilingDbtp });
    }
    const profileMs = performance.now() - t0;
    this.nextEvalAt = this.frames + Math.round(this.evalSec * this.sampleRate);
    const finish = (suggestions: Suggestion[] | null, agentsMs: number): LiveEvaluation => {
      if (!this.waitForEvaluations) {
        // Keep the agents under EVALUATION_DUTY of the stream: a slow machine evaluates less often.
        this.evalSec = Math.min(MAX_EVALUATE_INTERVAL_SEC, Math.max(this.baseEvalSec, agentsMs / 1000 / EVALUATION_DUTY));
        this.nextEvalAt = Math.round(t * this.sampleRate) + Math.round(this.evalSec * this.sampleRate);
      }
      const cost = { profileMs, agentsMs, totalMs: performance.now() - t0 };
      this.last = { t, loudness, windowLoudness: win, session, window, comparisons, distance, suggestions, notes, cost, nextInSec: this.evalSec };
      this.inFlight = null;
      this.emit(this.evalListeners, this.last, 'an evaluation listener');
      return this.last;
    };
    const runner = this.runner;
    if (!runner || !comparisons) {
      this.inFlight = Promise.resolve().then(() => finish(null, 0));
    } else {
      this.inFlight = runner.run({ mix: figures, comparisons }).then(
        (r) => {
          notes.push(...r.result.notes);
          return finish(r.result.suggestions, r.agentsMs);
        },
        (err: unknown) => {
          notes.push(`No proposals this time: ${errorMessage(err)}.`);
          return finish(null, 0);
        },
      );
    }
    return this.inFlight;
  }

  /** Waits for the evaluation in flight, if any. */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  /**
   * Reads a source to its end, until the signal aborts, or until `maxSec` of stream time (the block
   * that crosses it is cut there), feeding every block. Yields to the event loop at least every
   * 20 ms, so timers, sockets and keys are served even when blocks are queued.
   */
  async run(source: AudioSource, signal?: AbortSignal, maxSec?: number | null): Promise<void> {
    const maxFrames = maxSec == null ? Infinity : Math.round(maxSec * this.sampleRate);
    let since = performance.now();
    for await (const block of source.blocks(signal)) {
      if (signal?.aborted) break;
      const room = maxFrames - this.frames;
      const n = block[0]?.length ?? 0;
      this.process(room >= n ? block : block.map((ch) => ch.subarray(0, room)));
      if (this.slowMs > 0) for (const until = performance.now() + this.slowMs; performance.now() < until;); // see simulateSlowMs
      if (this.waitForEvaluations && this.inFlight) await this.inFlight;
      if (this.frames >= maxFrames) break;
      if (performance.now() - since > YIELD_AFTER_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
  }

  /** Stops the agents' worker this analyzer started (one passed in stays the caller's). */
  async close(): Promise<void> {
    await this.inFlight;
    if (this.ownsRunner) await this.runner?.close();
  }

  private emit<T>(listeners: Set<Listener<T>>, value: T, what: string): void {
    for (const fn of listeners) {
      try {
        fn(value);
      } catch (err) {
        this.onListenerError(what, err);
      }
    }
  }
}
