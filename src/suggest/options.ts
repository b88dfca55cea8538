import { z } from 'zod';
import { SEPARATOR_IDS, type SeparatorId } from '../separation/types.js';
import { AmaError } from '../util/errors.js';
import type { AgentName, AgentOptions } from './types.js';

/**
 * The options of `ama suggest` / `ama apply` and of suggestForFiles, validated once with one zod
 * schema. Every problem is reported at once as `name: message`, with the offending value and the
 * allowed range, in one AmaError BAD_OPTION. Names are those of the command-line flags.
 */

/** Options as a user or a program gives them (numbers may come as command-line strings). */
export interface SuggestOptionsInput {
  /** How much of each move, 0..100 % (default 100). */
  amount?: number | string;
  /** Loudness target, LUFS, -40..0; null or absent: the references' mean. */
  targetLufs?: number | string | null;
  /** True-peak ceiling, dBTP, -12..0 (default -1). */
  ceiling?: number | string;
  /** Most EQ bands to propose, 1..12 (default 6). */
  maxEqBands?: number | string;
  /** Largest |gain| of an EQ band, dB, 0.5..18 (default 6). */
  maxEqGainDb?: number | string;
  /** Agents to run (default all); a comma-separated string or a list. */
  only?: string | string[] | null;
  /** Separator for the stems agent: dsp (default), htdemucs, umx, or none (no separation, no stem moves). */
  separator?: string | null;
}

/** Validated options: what the agents get, and which agents run. */
export interface SuggestOptions {
  agentOptions: AgentOptions;
  /** Agents to run, in registry order; null: all. */
  only: AgentName[] | null;
  /** Separator whose stems the stems agent compares; null: no separation. */
  separator: SeparatorId | null;
}

/** Separator used when none is named: the built-in one, fast enough to run on every mix. */
export const DEFAULT_SEPARATOR: SeparatorId = 'dsp';

/** Defaults of every option. */
export const DEFAULT_AGENT_OPTIONS: Readonly<AgentOptions> = {
  amountPct: 100,
  loudnessTargetLufs: null,
  ceilingDbtp: -1,
  maxEqBands: 6,
  maxEqGainDb: 6,
};

/** A number within [lo, hi] (strings of digits are read as numbers), with messages that name the range. */
function ranged(lo: number, hi: number, unit: string, integer = false) {
  const span = `[${lo}, ${hi}]${unit ? ` ${unit}` : ''}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
    z
      .number({ error: (iss) => `must be a number within ${span}, got ${JSON.stringify(iss.input)}` })
      .refine((v) => v >= lo && v <= hi, { error: (iss) => `must be within ${span}, got ${String(iss.input)}` })
      .refine((v) => !integer || Number.isInteger(v), { error: (iss) => `must be a whole number within ${span}, got ${String(iss.input)}` }),
  );
}

const nullish = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && /^(none|mean|refs?)$/i.test(v.trim()));

/** The one schema of the suggestion options. */
export function suggestOptionsSchema(agentNames: readonly string[]) {
  return z
    .object({
      amount: ranged(0, 100, '%').default(DEFAULT_AGENT_OPTIONS.amountPct),
      targetLufs: z.preprocess((v) => (nullish(v) ? null : v), ranged(-40, 0, 'LUFS').nullable()).default(null),
      ceiling: ranged(-12, 0, 'dBTP').default(DEFAULT_AGENT_OPTIONS.ceilingDbtp),
      maxEqBands: ranged(1, 12, 'bands', true).default(DEFAULT_AGENT_OPTIONS.maxEqBands),
      maxEqGainDb: ranged(0.5, 18, 'dB').default(DEFAULT_AGENT_OPTIONS.maxEqGainDb),
      only: z
        .preprocess(
          (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
          z.array(z.string()).superRefine((names, ctx) => {
            if (names.length === 0) ctx.addIssue({ code: 'custom', message: `names no agent; valid agents: ${agentNames.join(', ')}` });
            for (const n of names) {
              if (!agentNames.includes(n)) ctx.addIssue({ code: 'custom', message: `unknown agent "${n}"; valid agents: ${agentNames.join(', ')}` });
            }
          }),
        )
        .nullable()
        .default(null),
      separator: z
        .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v === null ? 'none' : v), z.enum([...SEPARATOR_IDS, 'none'], {
          error: (iss) => `must be one of ${SEPARATOR_IDS.join(', ')} or none, got ${JSON.stringify(iss.input)}`,
        }))
        .default(DEFAULT_SEPARATOR),
    })
    .strict();
}

/**
 * Validates options against the schema and the registered agent names; throws one AmaError
 * BAD_OPTION listing every problem as `name: message`.
 */
export function validateSuggestOptions(input: SuggestOptionsInput, agentNames: readonly AgentName[]): SuggestOptions {
  const parsed = suggestOptionsSchema(agentNames).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'options'}: ${i.message}`);
    throw new AmaError('BAD_OPTION', `invalid options:\n  ${lines.join('\n  ')}`);
  }
  const o = parsed.data;
  const only = o.only ? agentNames.filter((n) => o.only!.includes(n)) : null;
  return {
    agentOptions: { amountPct: o.amount, loudnessTargetLufs: o.targetLufs, ceilingDbtp: o.ceiling, maxEqBands: o.maxEqBands, maxEqGainDb: o.maxEqGainDb },
    only,
    separator: o.separator === 'none' ? null : o.separator,
  };
}
