import type { ChannelRole } from '../audio/types.js';
import type { FeatureComparison } from '../reference/compare.js';
import type { TargetDistance } from '../reference/distance.js';
import type { ReferenceTarget } from '../reference/target.js';
import type { SuggestOptions } from '../suggest/options.js';
import type { Suggestion } from '../suggest/types.js';
import type { FileLoudness } from './analyzeFile.js';
import type { AgentRunner } from './liveAgents.js';
import type { LiveLoudness } from './liveWindow.js';
import type { MixProfile } from './profileSchema.js';
import type { StemsProfile } from '../separation/stemSchema.js';

/** The options and results of a LiveAnalyzer (src/analysis/live.ts). */

/** Options of a LiveAnalyzer. */
export interface LiveAnalyzerOptions {
  /** Hz, of the source. */
  sampleRate: number;
  /** Speaker role of each channel (its length is the channel count). */
  layout: ChannelRole[];
  /** Sliding-window length of the "now" profile, s, 1..600 (default 30). */
  windowSec?: number;
  /** Stream time between meter frames, s, 0.01..0.1 (default 0.1: 10 Hz). */
  meterIntervalSec?: number;
  /** Stream time between evaluations, s, 0.25..2 (default 1); stretched up to 2 s when the agents are slow. */
  evaluateIntervalSec?: number;
  /** The references' target; without it evaluations carry profiles only. */
  target?: ReferenceTarget | null;
  /** Validated suggestion options (default: the defaults of `ama suggest`). */
  suggestOptions?: SuggestOptions;
  /** Where the agents run (default: a worker thread in the built program, inline from the sources). */
  agentRunner?: AgentRunner;
  /**
   * Unpaced sources (a file read as fast as possible): run() waits for each evaluation before reading
   * on, and the interval never stretches, so evaluations fall at the same stream times on any machine.
   */
  waitForEvaluations?: boolean;
  /**
   * Extra time every block costs, ms, spent busy on the analysis thread: simulates a machine too slow
   * for the stream (the daemon sets it from AMA_SIMULATE_SLOW_MS), so that overruns can be shown and
   * tested with real capture. 0 (the default) in normal use.
   */
  simulateSlowMs?: number;
  /** Where a listener's failure is reported (default: stderr); the analysis goes on. */
  onListenerError?: (what: string, err: unknown) => void;
  /** Per-stem figures of the latest separated window (src/separation/live.ts), given to the window profile before the comparison; null: none yet. */
  windowStems?: () => StemsProfile | null;
}

/** A meter frame: the loudness so far, at stream time t. */
export interface MeterFrame {
  /** Stream time at the end of the audio measured, s. */
  t: number;
  loudness: LiveLoudness;
}

/** How long an evaluation took, ms of wall time. */
export interface EvaluationCost {
  /** Reading both profiles, the comparison and the distance, on the analysis loop. */
  profileMs: number;
  /** The agents (in their worker thread when there is one). */
  agentsMs: number;
  /** From the start of the evaluation to its result, waiting for the agents included. */
  totalMs: number;
}

/** The result of one evaluation (every 1-2 s of stream time). */
export interface LiveEvaluation {
  /** Stream time of the figures, s. */
  t: number;
  /** Session-long loudness (as `ama analyze --json` gives it for the same audio). */
  loudness: FileLoudness;
  /** Loudness over the sliding window (integrated, LRA, short-term max, PLR, PSR); what the agents see. */
  windowLoudness: FileLoudness;
  /** Whole-session profile. */
  session: MixProfile;
  /** Sliding-window profile (spectral figures over the last windowSec; dynamics session-long). */
  window: MixProfile;
  /** Window figures against the target (null without a target). */
  comparisons: FeatureComparison[] | null;
  distance: TargetDistance | null;
  /** Ranked proposals of the agents on the window figures; null without a target or when the agents failed this time. */
  suggestions: Suggestion[] | null;
  /** Sentences: the agents' notes, broken input, a failed agents run. */
  notes: string[];
  cost: EvaluationCost;
  /** Stream time until the next evaluation, s (stretched when the agents are slow). */
  nextInSec: number;
}
