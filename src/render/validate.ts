import type { Suggestion } from '../suggest/types.js';

/**
 * Checks the params of the suggestions the renderer acts on; returns every problem as
 * `suggestions[i] (key): path must be ..., got value` so one error can list them all.
 * Ranges are what a mixing move can sensibly be; they keep the DSP finite and stable.
 */

type Check = [path: string, value: unknown, ok: (v: number) => boolean, rule: string];

const finite = (v: number): boolean => Number.isFinite(v);
const within = (lo: number, hi: number) => (v: number): boolean => v >= lo && v <= hi;
const positive = (hi: number) => (v: number): boolean => v > 0 && v <= hi;

/** Kinds the renderer knows (everything in ParamsByKind). */
export const RENDERED_KINDS = ['gain', 'limiter', 'eqBand', 'compressor', 'width', 'monoBelow', 'balance', 'stemGain', 'note'] as const;
const EQ_TYPES = ['peaking', 'lowShelf', 'highShelf', 'highPass'];

function checksFor(s: Suggestion): Check[] | string {
  const p = (s.params ?? {}) as Record<string, unknown>;
  const c = (name: string, ok: (v: number) => boolean, rule: string): Check => [`params.${name}`, p[name], ok, rule];
  const opt = (name: string, ok: (v: number) => boolean, rule: string): Check[] => (p[name] === undefined ? [] : [c(name, ok, rule)]);
  switch (s.kind) {
    case 'gain':
    case 'stemGain':
      return [c('gainDb', within(-48, 48), 'a number of dB within [-48, 48]')];
    case 'balance':
      return [c('balanceDb', within(-24, 24), 'a number of dB within [-24, 24]')];
    case 'limiter':
      return [
        c('inputGainDb', within(-48, 48), 'a number of dB within [-48, 48]'),
        c('ceilingDbtp', within(-60, 6), 'a number of dBTP within [-60, 6]'),
        c('releaseMs', within(0, 10000), 'a number of ms within [0, 10000]'),
        c('lookaheadMs', within(0, 100), 'a number of ms within [0, 100]'),
      ];
    case 'eqBand':
      if (!EQ_TYPES.includes(p.type as string)) return `params.type must be one of ${EQ_TYPES.join(', ')}, got ${JSON.stringify(p.type)}`;
      return [
        c('frequencyHz', positive(1e6), 'a positive number of Hz'),
        c('gainDb', within(-40, 40), 'a number of dB within [-40, 40]'),
        c('q', positive(100), 'a number within (0, 100]'),
      ];
    case 'compressor':
      return [
        c('thresholdDb', within(-120, 24), 'a number of dBFS within [-120, 24]'),
        c('ratio', within(1, 1000), 'a number within [1, 1000]'),
        c('attackMs', within(0, 10000), 'a number of ms within [0, 10000]'),
        c('releaseMs', within(0, 10000), 'a number of ms within [0, 10000]'),
        c('kneeDb', within(0, 48), 'a number of dB within [0, 48]'),
        c('makeupDb', within(-48, 48), 'a number of dB within [-48, 48]'),
        ...opt('lowHz', within(0, 1e6), 'a number of Hz >= 0'),
        ...opt('highHz', positive(1e6), 'a positive number of Hz'),
      ];
    case 'width':
      return [
        c('lowHz', within(0, 1e6), 'a number of Hz >= 0'),
        c('highHz', positive(1e6), 'a positive number of Hz'),
        c('sideGainDb', within(-120, 24), 'a number of dB within [-120, 24]'),
      ];
    case 'monoBelow':
      return [c('frequencyHz', positive(1e6), 'a positive number of Hz')];
    case 'note':
      return [];
    default:
      return `kind must be one of ${RENDERED_KINDS.join(', ')}, got ${JSON.stringify((s as { kind: unknown }).kind)}`;
  }
}

/** Problems with one suggestion (empty when it can be rendered as given). */
export function suggestionProblems(s: Suggestion, index: number): string[] {
  const where = `suggestions[${index}] (${String(s?.key ?? 'no key')})`;
  if (s === null || typeof s !== 'object') return [`suggestions[${index}] must be a suggestion object, got ${String(s)}`];
  const problems: string[] = [];
  const scope = s.scope as unknown;
  if (!(scope === 'master' || scope === 'mid' || scope === 'side' || (typeof scope === 'string' && /^stem:.+/.test(scope)))) {
    problems.push(`${where}: scope must be master, mid, side or stem:<name>, got ${JSON.stringify(scope)}`);
  }
  const checks = checksFor(s);
  if (typeof checks === 'string') return [...problems, `${where}: ${checks}`];
  for (const [path, value, ok, rule] of checks) {
    if (typeof value !== 'number' || !finite(value) || !ok(value)) problems.push(`${where}: ${path} must be ${rule}, got ${JSON.stringify(value)}`);
  }
  if (s.kind === 'compressor' || s.kind === 'width') {
    const { lowHz, highHz } = s.params as { lowHz?: number; highHz?: number };
    if (lowHz !== undefined && highHz !== undefined && !(lowHz < highHz)) problems.push(`${where}: params.lowHz (${lowHz}) must be below params.highHz (${highHz})`);
  }
  if (s.kind === 'stemGain' && !String(scope).startsWith('stem:')) problems.push(`${where}: a stemGain needs a stem:<name> scope, got ${JSON.stringify(scope)}`);
  return problems;
}
