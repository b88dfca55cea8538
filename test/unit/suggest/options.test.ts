import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_OPTIONS, validateSuggestOptions } from '../../../src/suggest/options.js';
import { AGENT_NAMES } from '../../../src/suggest/registry.js';
import { AmaError } from '../../../src/util/errors.js';

const validate = (input: Parameters<typeof validateSuggestOptions>[0]) => validateSuggestOptions(input, AGENT_NAMES);

function problems(input: Parameters<typeof validateSuggestOptions>[0]): string {
  try {
    validate(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AmaError);
    expect((err as AmaError).code).toBe('BAD_OPTION');
    return (err as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('suggestion options', () => {
  it('defaults to the whole move, the references loudness, -1 dBTP, 6 bands of +-6 dB, all agents', () => {
    expect(validate({})).toEqual({ agentOptions: DEFAULT_AGENT_OPTIONS, only: null, separator: 'dsp' });
    expect(DEFAULT_AGENT_OPTIONS).toEqual({ amountPct: 100, loudnessTargetLufs: null, ceilingDbtp: -1, maxEqBands: 6, maxEqGainDb: 6 });
  });

  it('reads command-line strings and keeps the registry order for --only', () => {
    const o = validate({ amount: '70', targetLufs: '-14', ceiling: '-2', maxEqBands: '4', maxEqGainDb: '3.5', only: 'stereo, eq' });
    expect(o).toEqual({ agentOptions: { amountPct: 70, loudnessTargetLufs: -14, ceilingDbtp: -2, maxEqBands: 4, maxEqGainDb: 3.5 }, only: ['eq', 'stereo'], separator: 'dsp' });
    expect(validate({ targetLufs: 'none' }).agentOptions.loudnessTargetLufs).toBeNull();
    expect(validate({ amount: 0 }).agentOptions.amountPct).toBe(0);
  });

  it('lists every problem at once as `name: message`, with the value and the allowed range', () => {
    const msg = problems({ amount: 150, ceiling: 'loud', maxEqBands: 2.5, maxEqGainDb: 0.1, targetLufs: 3, only: 'eq,stemz,foo' });
    expect(msg).toContain('amount: must be within [0, 100] %, got 150');
    expect(msg).toContain('ceiling: must be a number within [-12, 0] dBTP, got "loud"');
    expect(msg).toContain('maxEqBands: must be a whole number within [1, 12] bands, got 2.5');
    expect(msg).toContain('maxEqGainDb: must be within [0.5, 18] dB, got 0.1');
    expect(msg).toContain('targetLufs: must be within [-40, 0] LUFS, got 3');
    expect(msg).toContain('only: unknown agent "stemz"; valid agents: eq, tonal, dynamics, stereo, stems, loudness');
    expect(msg).toContain('only: unknown agent "foo"');
    expect(msg.split('\n')).toHaveLength(8);
  });

  it('takes a separator for the stems agent, none to switch separation off, and refuses unknown ones', () => {
    expect(validate({ separator: 'HTDemucs' }).separator).toBe('htdemucs');
    expect(validate({ separator: 'none' }).separator).toBeNull();
    expect(problems({ separator: 'spleeter' })).toMatch(/separator: must be one of dsp, htdemucs, umx or none, got "spleeter"/);
  });

  it('refuses unknown options and an empty --only', () => {
    expect(problems({ amount: 50, colour: 'red' } as never)).toMatch(/options: Unrecognized key: "colour"/);
    expect(problems({ only: ' , ' })).toMatch(/only: names no agent; valid agents: eq, tonal/);
  });
});
