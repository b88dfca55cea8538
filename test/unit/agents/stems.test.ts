import { describe, expect, it } from 'vitest';
import { agent } from '../../../agents/stems.js';
import { mulberry32 } from '../../../src/audio/generate.js';
import { stemFeatures } from '../../../src/separation/features.js';
import type { StemName } from '../../../src/separation/types.js';
import { runAgents } from '../../../src/suggest/engine.js';
import { DEFAULT_AGENT_OPTIONS } from '../../../src/suggest/options.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { inputFor, opts, track } from '../suggest/fixtures.js';

/**
 * Tracks made of four independent stems with known levels: the stems agent reads their features
 * (from the true stems, as a perfect separator would give them) and must undo a known offset.
 */
const N = 48000 * 2;
const sources = (() => {
  const make = (seed: number, pan: number, lowpass: number) => {
    const r = mulberry32(seed);
    const x = new Float32Array(N);
    let y = 0;
    for (let i = 0; i < N; i++) { y += lowpass * (2 * r() - 1 - y); x[i] = y; }
    const th = ((pan + 1) * Math.PI) / 4;
    return [x.map((v) => v * Math.SQRT2 * Math.cos(th)), x.map((v) => v * Math.SQRT2 * Math.sin(th))];
  };
  return { vocals: make(1, 0, 0.5), drums: make(2, 0.1, 1), bass: make(3, 0, 0.02), other: make(4, -0.4, 0.3) } as Record<StemName, Float32Array[]>;
})();

/** A track whose stems sit at `offsets` dB from a common balance, with its stem figures. */
function trackWith(offsets: Partial<Record<StemName, number>>) {
  const stems = {} as Record<StemName, Float32Array[]>;
  for (const [n, audio] of Object.entries(sources) as Array<[StemName, Float32Array[]]>) {
    const g = 10 ** ((offsets[n] ?? 0) / 20) / Math.sqrt(audio[0].reduce((a, x) => a + x * x, 0) / N) * 0.05;
    stems[n] = audio.map((ch) => ch.map((x) => g * x));
  }
  const mix = [0, 1].map((c) => stems.vocals[c].map((_, i) => stems.vocals[c][i] + stems.drums[c][i] + stems.bass[c][i] + stems.other[c][i]));
  const t = track();
  t.profile.stems = stemFeatures(mix, { sampleRate: 48000, stems }, 'htdemucs');
  return t;
}

const refs = [trackWith({ drums: 1.5, bass: -1 }), trackWith({ bass: 1.5, other: -1.5 }), trackWith({ vocals: 1.5, other: 1, drums: -1.5 })];
const stemMoves = (list: Suggestion[]) => list.filter((s): s is Extract<Suggestion, { kind: 'stemGain' }> => s.kind === 'stemGain');

describe('stems agent', () => {
  it('proposes nothing for a mix balanced like the references', () => {
    const r = agent.evaluate(inputFor(trackWith({}), refs), opts());
    expect(stemMoves(r.suggestions)).toEqual([]);
    expect(r.within).toEqual(expect.arrayContaining(['stem.vocals.levelDb', 'stem.drums.levelDb', 'stem.bass.levelDb']));
  });

  for (const [stem, offset] of [['vocals', -3], ['vocals', 6], ['bass', 3], ['bass', -6], ['drums', 6], ['drums', -3]] as const) {
    it(`undoes ${stem} ${offset > 0 ? '+' : ''}${offset} dB with a stem gain of the opposite sign and about that size`, () => {
      const r = agent.evaluate(inputFor(trackWith({ [stem]: offset }), refs), opts());
      const moves = stemMoves(r.suggestions);
      expect(moves.map((s) => s.scope)).toEqual([`stem:${stem}`]);
      const m = moves[0];
      // The references' mean sits within 0.5 dB of the common balance for every stem.
      expect(Math.abs(m.params.gainDb + offset)).toBeLessThan(1);
      expect(Math.sign(m.params.gainDb)).toBe(-Math.sign(offset));
      expect(m.key).toBe(`stems:stem:${stem}:gain`);
      expect(m.rationale).toMatch(offset > 0 ? /^Lower the .* (hotter)/ : /^Raise the .* (lower)/);
      expect(m.predicted!.after).toBeLessThan(m.predicted!.before / 3);
      expect(m.confidence).toBeGreaterThan(0.1);
    });
  }

  // Instrumental music: the vocals stem holds only leakage, 60 dB under the other stems (the other
  // stems sit at equal levels, so any vocals level far below them is no part). Leakage varies from
  // track to track; a level move on it would be nonsense however large that variation is.
  const instrumental = (vocalsDb: number, o: Partial<Record<StemName, number>> = {}) => trackWith({ vocals: vocalsDb, ...o });
  const instrRefs = [instrumental(-60, { drums: 1.5, bass: -1 }), instrumental(-62, { bass: 1.5, other: -1.5 }), instrumental(-61, { other: 1, drums: -1.5 })];

  it('proposes no level for a stem nearly absent from the mix and every reference, and says why', () => {
    for (const leak of [-52, -61, -70]) {
      const r = agent.evaluate(inputFor(instrumental(leak), instrRefs), opts());
      expect(stemMoves(r.suggestions), `vocals leakage at ${leak} dB`).toEqual([]);
      expect(r.suggestions.filter((s) => s.scope === 'stem:vocals')).toEqual([]);
      expect(r.notes.join(' ')).toMatch(/vocals stem is nearly empty .* in the mix and in every reference/);
    }
  });

  it('still undoes a drums offset in instrumental music, unmoved by the vocals stem\'s leakage', () => {
    for (const leak of [-52, -70]) {
      const moves = stemMoves(agent.evaluate(inputFor(instrumental(leak, { drums: 6 }), instrRefs), opts()).suggestions);
      expect(moves.map((s) => s.scope)).toEqual(['stem:drums']);
      expect(Math.abs(moves[0].params.gainDb + 6)).toBeLessThan(1);
    }
  });

  it('does not raise a part the mix lacks and the references have: a note says to check it', () => {
    const r = agent.evaluate(inputFor(instrumental(-60), refs), opts());
    expect(stemMoves(r.suggestions)).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/vocals stem is nearly empty .* in the mix but not in the references/);
    const q = agent.evaluate(inputFor(trackWith({}), instrRefs), opts());
    expect(stemMoves(q.suggestions)).toEqual([]);
    expect(q.notes.join(' ')).toMatch(/in 3 of 3 references but not in the mix/);
  });

  it('still moves a quiet part that is really there (20 dB under the others)', () => {
    const quietRefs = [instrumental(-20, { drums: 1.5, bass: -1 }), instrumental(-20, { bass: 1.5, other: -1.5 }), instrumental(-18.5, { other: 1, drums: -1.5 })];
    const moves = stemMoves(agent.evaluate(inputFor(instrumental(-26), quietRefs), opts()).suggestions);
    expect(moves.map((s) => s.scope)).toEqual(['stem:vocals']);
    expect(moves[0].params.gainDb).toBeGreaterThan(4);
  });

  it('says nothing without stems, and explains stems on one side only', () => {
    expect(agent.evaluate(inputFor(track(), [track(), track()]), opts())).toMatchObject({ suggestions: [], notes: [] });
    const r = agent.evaluate(inputFor(track(), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.notes[0]).toMatch(/references but not the mix/);
  });

  it('trusts dsp stems less than htdemucs stems', () => {
    const mix = trackWith({ vocals: 6 });
    const asDsp = (t: ReturnType<typeof trackWith>) => { const c = structuredClone(t); c.profile.stems!.separator = 'dsp'; return c; };
    const hi = stemMoves(agent.evaluate(inputFor(mix, refs), opts()).suggestions)[0];
    const lo = stemMoves(agent.evaluate(inputFor(asDsp(mix), refs.map(asDsp)), opts()).suggestions)[0];
    expect(lo.confidence).toBeLessThan(hi.confidence);
    expect(lo.rationale).toMatch(/separated by dsp/);
  });

  it('lets the loudness agent account for the level a stem gain adds (the mix rises by less than the gain)', () => {
    const mix = trackWith({ vocals: -6 });
    const r = runAgents(inputFor(mix, refs), { agentOptions: { ...DEFAULT_AGENT_OPTIONS }, only: ['stems', 'loudness'], separator: 'htdemucs' });
    const g = stemMoves(r.suggestions)[0];
    expect(g.params.gainDb).toBeGreaterThan(4);
    const note = r.notes.find((n) => /change the loudness by/.test(n));
    const change = Number(/by \+?(-?[0-9.]+) LU/.exec(note ?? '')?.[1]);
    expect(change).toBeGreaterThan(0.3);
    expect(change).toBeLessThan(g.params.gainDb / 2);
  });
});
