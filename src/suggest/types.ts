import type { FileLoudness } from '../analysis/analyzeFile.js';
import type { MixProfile } from '../analysis/profileSchema.js';
import type { FeatureComparison } from '../reference/compare.js';
import type { ReferenceTarget } from '../reference/target.js';

/** The agents ama ships, one file each in agents/. */
export type AgentName = 'loudness' | 'eq' | 'dynamics' | 'stereo' | 'tonal' | 'stems';

/** Where a proposal acts: the whole master, its mid or side channel, or one stem (vocals, drums, bass, other). */
export type Scope = 'master' | 'mid' | 'side' | `stem:${string}`;

/** Parametric EQ band shapes (RBJ cookbook): peaking, shelves and a 12 dB/oct high-pass. */
export type EqBandType = 'peaking' | 'lowShelf' | 'highShelf' | 'highPass';

/** Parameters of each kind of proposal, with units in the names. */
export interface ParamsByKind {
  /** Static gain change. */
  gain: { gainDb: number };
  /** True-peak-aware limiter: drive into it, and the ceiling it holds. */
  limiter: { inputGainDb: number; ceilingDbtp: number; releaseMs: number; lookaheadMs: number };
  /** One EQ band; q is the RBJ quality factor (for shelves the slope form S=1 is used when q is 0.707). */
  eqBand: { type: EqBandType; frequencyHz: number; gainDb: number; q: number };
  /** Feed-forward compressor, optionally limited to a band (then a split-band compressor). */
  compressor: { thresholdDb: number; ratio: number; attackMs: number; releaseMs: number; kneeDb: number; makeupDb: number; lowHz?: number; highHz?: number };
  /** Change of side level against mid in a frequency band (width), dB (+ wider, - narrower). */
  width: { lowHz: number; highHz: number; sideGainDb: number };
  /** Make everything below a frequency mono (side removed below it, 12 dB/oct). */
  monoBelow: { frequencyHz: number };
  /** L/R balance change, dB: positive moves the image right (left down, right up by half each). */
  balance: { balanceDb: number };
  /** Level change of one separated stem against the rest, dB. */
  stemGain: { gainDb: number };
  /** A diagnosis or warning with no parameter to set (tonal diagnoses, mono-compatibility warnings). */
  note: Record<string, never>;
}

/** Kinds of proposal. */
export type SuggestionKind = keyof ParamsByKind;

/** One proposal an agent makes. Pure data: JSON-serialisable, deterministic. */
export type Suggestion = {
  [K in SuggestionKind]: {
    /** Stable identity: agent + scope + parameter (e.g. `eq:master:peaking@250Hz`), used for dedupe, hysteresis and approval. */
    key: string;
    agent: AgentName;
    scope: Scope;
    kind: K;
    params: ParamsByKind[K];
    /** How sure the agent is, 0..1 (evidence strength and agreement between references). */
    confidence: number;
    /** One sentence a person can read, with the numbers. */
    rationale: string;
    /** The figures the proposal is argued from (feature name -> value), units in the names. */
    evidence: Record<string, number | null>;
    /** Predicted distance to the target on the affected features, before and after (same units as `distance`). */
    predicted?: { before: number; after: number };
    /** Keys of the proposals a diagnosis is addressed by (tonal agent). */
    addressedBy?: string[];
  };
}[SuggestionKind];

/** What an agent sees: the mix's figures, the comparison with the target, and the target itself. */
export interface AgentInput {
  mix: { loudness: FileLoudness; profile: MixProfile };
  comparisons: FeatureComparison[];
  target: ReferenceTarget;
}

/** Options shared by every agent (validated once, in src/suggest). */
export interface AgentOptions {
  /** How much of each move to propose, 0..100 %. */
  amountPct: number;
  /** Integrated loudness target, LUFS; null: the references' mean. */
  loudnessTargetLufs: number | null;
  /** True-peak ceiling, dBTP. */
  ceilingDbtp: number;
  /** Maximum number of EQ bands. */
  maxEqBands: number;
  /** Maximum |gain| of any EQ band, dB. */
  maxEqGainDb: number;
}

/** What an agent returns: its proposals and, for features it checked, that they are within the references. */
export interface AgentReport {
  agent: AgentName;
  suggestions: Suggestion[];
  /** Features this agent looked at that lie within the references' envelope (no proposal for them). */
  within: string[];
  /** Sentences for the report (e.g. why nothing was proposed). */
  notes: string[];
}

/** An agent: pure and deterministic. */
export interface Agent {
  name: AgentName;
  evaluate(input: AgentInput, options: AgentOptions): AgentReport;
}
