import { describe, expect, it } from 'vitest';
import { expectedEffect, rankSuggestions, runAgents } from '../../../src/suggest/engine.js';
import { applyMoves } from '../../../src/suggest/predict.js';
import { AGENTS } from '../../../src/suggest/registry.js';
import type { Agent, AgentName, Suggestion } from '../../../src/suggest/types.js';
import { balancedRefs, inputFor, opts, track } from './fixtures.js';

const refs = balancedRefs();
const bump = (hz: number, gainDb: number, widthOct = 0.5) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / widthOct) ** 2);
// A mix with several faults: muddy, too wide, quiet.
const faulty = () => inputFor(track({ lufs: -20, truePeakDbtp: -10, midShape: bump(300, 5), widthDb: (f) => (f < 120 ? -25 : -4) }), refs);
const all = (o = {}) => ({ agentOptions: opts(o), only: null, separator: null });

describe('suggestion engine', () => {
  it('runs every agent and ranks moves by expected effect, notes last', () => {
    const r = runAgents(faulty(), all());
    expect(r.reports.map((x) => x.agent)).toEqual(['eq', 'tonal', 'dynamics', 'stereo', 'stems', 'loudness']);
    const kinds = r.suggestions.map((s) => s.kind);
    expect(kinds).toContain('eqBand');
    expect(kinds).toContain('width');
    expect(kinds).toContain('gain');
    const firstNote = kinds.indexOf('note');
    expect(firstNote).toBeGreaterThan(0);
    expect(kinds.slice(firstNote).every((k) => k === 'note')).toBe(true);
    const effects = r.suggestions.slice(0, firstNote).map(expectedEffect);
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
    expect(r.suggestions.find((s) => s.key === 'tonal:master:muddy')!.addressedBy!.length).toBeGreaterThan(0);
  });

  it('isolates a failing agent: it becomes a note and the others go on', () => {
    const broken: Agent = { name: 'dynamics', evaluate: () => { throw new Error('division by zero'); } };
    const malformed: Agent = {
      name: 'stems',
      evaluate: () => ({ agent: 'stems', within: [], notes: [], suggestions: [{ key: 'stems:x', agent: 'stems', scope: 'master', kind: 'gain', params: { gainDb: NaN }, confidence: 0.5, rationale: 'x', evidence: {} }] }),
    };
    const agents = new Map<AgentName, Agent>([...AGENTS, ['dynamics', broken], ['stems', malformed]]);
    const r = runAgents(faulty(), all(), agents);
    expect(r.notes).toContain('dynamics: the dynamics agent failed (division by zero); the other agents went on');
    expect(r.notes.join('\n')).toMatch(/stems: dropped a malformed proposal \(stems:x\): its gainDb is NaN/);
    expect(r.suggestions.some((s) => s.agent === 'eq')).toBe(true);
    expect(r.suggestions.some((s) => s.agent === 'loudness')).toBe(true);
  });

  it('scales every move by the amount: 50 % halves EQ and width gains', () => {
    const full = runAgents(faulty(), all());
    const half = runAgents(faulty(), all({ amountPct: 50 }));
    const byKey = new Map(half.suggestions.map((s) => [s.key, s]));
    let checked = 0;
    for (const s of full.suggestions) {
      const h = byKey.get(s.key);
      if (s.kind === 'eqBand' && s.params.type !== 'highPass' && h?.kind === 'eqBand') { expect(h.params.gainDb).toBeCloseTo(s.params.gainDb / 2, 1); checked++; }
      if (s.kind === 'width' && h?.kind === 'width') { expect(h.params.sideGainDb).toBeCloseTo(s.params.sideGainDb / 2, 1); checked++; }
      if (h?.predicted && s.predicted) expect(h.predicted.after).toBeGreaterThanOrEqual(s.predicted.after - 0.05);
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(runAgents(faulty(), all({ amountPct: 0 })).suggestions.every((s) => s.kind === 'note')).toBe(true);
  });

  it('sets the loudness move so that the mix lands on target after the other moves', () => {
    const input = faulty();
    for (const amountPct of [100, 50]) {
      const r = runAgents(input, all({ amountPct }));
      const moves = r.suggestions.filter((s) => s.kind !== 'note');
      const after = applyMoves(input.mix, moves).loudness.integratedLufs!;
      // The references' mean is -14; the mix is at -20: all of the way, or half of it.
      expect(after).toBeCloseTo(-20 + (6 * amountPct) / 100, 1);
    }
  });

  it('runs only the agents asked for, and links diagnoses only to proposals that are there', () => {
    const r = runAgents(faulty(), { agentOptions: opts(), only: ['tonal'], separator: null });
    expect(r.reports.map((x) => x.agent)).toEqual(['tonal']);
    expect(r.suggestions.every((s) => s.agent === 'tonal')).toBe(true);
    expect(r.suggestions.find((s) => s.key === 'tonal:master:muddy')!.addressedBy).toEqual([]);
  });

  it('proposes no move for a mix that lies within the references everywhere', () => {
    const r = runAgents(inputFor(track({ lufs: -14.2, truePeakDbtp: -1.2 }), refs), all());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toEqual(expect.arrayContaining(['integratedLufs', 'tonal.mid.1kHz', 'width.1kHz', 'plrDb', 'muddy']));
  });

  it('ranks deterministically', () => {
    const s = (key: string, confidence: number, before: number, after: number): Suggestion =>
      ({ key, agent: 'eq', scope: 'master', kind: 'gain', params: { gainDb: 1 }, confidence, rationale: '', evidence: {}, predicted: { before, after } });
    const list = [s('a', 0.5, 4, 2), s('b', 0.9, 4, 2), s('c', 0.9, 4, 2), s('d', 0.4, 1, 0)];
    expect(rankSuggestions(list).map((x) => x.key)).toEqual(['b', 'c', 'a', 'd']);
  });
});
