import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, octavesToQ, qToOctaves } from '../../../src/daw/encoding.js';
import { loadMapping, mappingJsonSchemaText, mappingProblems, parseMapping } from '../../../src/daw/mapping.js';
import { pushTarget } from '../../../src/daw/plan.js';
import { replayAudit, type AuditEntry } from '../../../src/daw/audit.js';
import { decodeOsc, encodeOsc } from '../../../src/transport/osc/codec.js';
import { routeSurfaceMessage } from '../../../src/transport/osc/surface.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { ROOT } from '../../helpers/cli.js';

describe('OSC codec', () => {
  it('keeps type tags: a whole-number float goes out as f, not i', () => {
    const bytes = encodeOsc({ address: '/strip/gain', args: [{ type: 'i', value: 2 }, { type: 'f', value: 1 }] });
    // ",if" type-tag string follows the 12-byte padded address
    expect(Buffer.from(bytes).toString('latin1')).toContain(',if\0');
    expect(decodeOsc(bytes)).toEqual([{ address: '/strip/gain', args: [{ type: 'i', value: 2 }, { type: 'f', value: 1 }] }]);
  });
  it('turns int64 replies (BigInt in osc-js) into numbers', () => {
    const bytes = encodeOsc({ address: '/reply', args: [{ type: 's', value: 'end_route_list' }, { type: 'h', value: 48000 }] });
    const [m] = decodeOsc(bytes);
    expect(m.args[1]).toEqual({ type: 'h', value: 48000 });
    expect(() => JSON.stringify(m)).not.toThrow();
  });
  it('refuses malformed packets and bad values with a sentence', () => {
    expect(() => decodeOsc(new Uint8Array([1, 2, 3, 4]))).toThrow(/Malformed OSC packet/);
    expect(() => encodeOsc({ address: 'x', args: [] })).toThrow(/must start with "\/"/);
    expect(() => encodeOsc({ address: '/a', args: [{ type: 'f', value: NaN }] })).toThrow(/finite/);
  });
});

describe('value encodings', () => {
  it('round-trips every kind', () => {
    const cases = [
      [{ kind: 'raw' as const }, -3.5], [{ kind: 'linear' as const, from: [0, 500] as [number, number], to: [0, 1] as [number, number] }, 120],
      [{ kind: 'log' as const, from: [10, 22000] as [number, number], to: [0, 1] as [number, number] }, 1000],
      [{ kind: 'table' as const, points: [[-70, 0], [0, 0.85], [6, 1]] as Array<[number, number]> }, -6],
      [{ kind: 'amplitude' as const, scale: 1 }, -12], [{ kind: 'balance' as const, center: 0.5, span: 0.5 }, -3],
    ] as const;
    for (const [e, v] of cases) expect(decodeValue(e, encodeValue(e, v))).toBeCloseTo(v, 6);
  });
  it('balance law: the quieter side drops by the dB asked (linear balance pan)', () => {
    const e = { kind: 'balance' as const, center: 0, span: 1 };
    const p = encodeValue(e, 6); // right louder by 6 dB: left gain 1 - p
    expect(20 * Math.log10(1 - p)).toBeCloseTo(-6, 6);
  });
  it('Q and octaves: Q 1.41 is about one octave', () => {
    expect(qToOctaves(Math.SQRT2)).toBeCloseTo(1, 2);
    expect(octavesToQ(qToOctaves(0.7))).toBeCloseTo(0.7, 9);
  });
});

describe('mapping files', () => {
  it('the shipped mappings are valid, and mappings/schema.json is the generated schema', () => {
    for (const n of ['reaper', 'ableton', 'ardour']) expect(mappingProblems(JSON.parse(fs.readFileSync(path.join(ROOT, 'mappings', `${n}.json`), 'utf8')))).toEqual([]);
    expect(fs.readFileSync(path.join(ROOT, 'mappings/schema.json'), 'utf8')).toBe(mappingJsonSchemaText());
  });
  it('reports every problem of a broken mapping as path: message', () => {
    const m = JSON.parse(JSON.stringify(loadMapping('ardour')));
    m.transport.port = 70000;
    m.controls.masterVolume.write.address = 'master/gain';
    m.controls.masterVolume.write.args[0].type = 'x';
    delete m.plugins.eq.paramRead;
    try {
      parseMapping(m, 'broken.json');
      expect.unreachable();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/^broken\.json is not a valid DAW mapping \(3 problems\)/);
      expect(msg).toMatch(/transport\.port: /);
      expect(msg).toMatch(/controls\.masterVolume\.write\.address: an OSC address starts with "\/"/);
      expect(msg).toMatch(/controls\.masterVolume\.write\.args\.0\.type: /);
    }
    delete m.transport.port;
    m.transport.port = 3819; m.controls.masterVolume.write.address = '/master/gain'; m.controls.masterVolume.write.args[0].type = 'f';
    expect(mappingProblems(m)).toEqual(expect.arrayContaining([expect.stringMatching(/^plugins\.eq\.bands\.0\.frequency\.read: no read template/)]));
  });
  it('an unknown mapping name says which exist', () => {
    expect(() => loadMapping('protools')).toThrow(/use reaper, ableton, ardour or the path/);
  });
});

describe('what is pushable', () => {
  const m = loadMapping('ardour');
  const s = (kind: string, params: object, scope = 'master') => ({ key: 'k', agent: 'eq', scope, kind, params, confidence: 1, rationale: '', evidence: {} }) as unknown as Suggestion;
  it('maps gain, limiter, eqBand, compressor and balance; refuses the rest with a reason', () => {
    expect(pushTarget(s('gain', { gainDb: 1 }), m)).toEqual({ ok: true, target: 'masterVolume' });
    expect(pushTarget(s('limiter', { inputGainDb: 1, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 2 }), m)).toEqual({ ok: true, target: 'masterVolume' });
    expect(pushTarget(s('balance', { balanceDb: 1 }), m)).toEqual({ ok: true, target: 'masterPan' });
    expect(pushTarget(s('eqBand', { type: 'peaking', frequencyHz: 100, gainDb: 1, q: 1 }), m)).toEqual({ ok: true, target: 'eq' });
    expect(pushTarget(s('eqBand', { type: 'highPass', frequencyHz: 30, gainDb: 0, q: 0.7 }), m)).toMatchObject({ ok: false, reason: expect.stringMatching(/no highPass band/) });
    for (const k of ['width', 'monoBelow', 'note']) expect(pushTarget(s(k, {}), m)).toMatchObject({ ok: false, reason: expect.stringMatching(/^not pushable/) });
    expect(pushTarget(s('stemGain', { gainDb: 1 }, 'stem:vocals'), m)).toMatchObject({ ok: false, reason: expect.stringMatching(/stem:vocals/) });
    expect(pushTarget(s('compressor', { thresholdDb: -20, ratio: 2, attackMs: 5, releaseMs: 50, kneeDb: 0, makeupDb: 0, lowHz: 100, highHz: 400 }), m)).toMatchObject({ ok: false });
  });
});

describe('control-surface routing', () => {
  const rows = ['eq:master:peaking@250Hz', 'loudness:master:gain'];
  it('takes a key or a row number; ignores the rest with a reason', () => {
    expect(routeSurfaceMessage({ address: '/ama/approve', args: [{ type: 's', value: 'x:y' }] }, rows)).toEqual({ cmd: 'approve', key: 'x:y' });
    expect(routeSurfaceMessage({ address: '/ama/undo', args: [{ type: 'i', value: 2 }] }, rows)).toEqual({ cmd: 'undo', key: 'loudness:master:gain' });
    expect(routeSurfaceMessage({ address: '/ama/reject', args: [{ type: 'i', value: 9 }] }, rows)).toHaveProperty('ignore');
    expect(routeSurfaceMessage({ address: '/ama/approve', args: [] }, rows)).toHaveProperty('ignore');
    expect(routeSurfaceMessage({ address: '/ama/delete', args: [{ type: 's', value: 'k' }] }, rows)).toHaveProperty('ignore');
  });
});

describe('audit replay', () => {
  it('explains a push and its undo, and the net effect is nothing', () => {
    const e = (x: object, ms: number) => ({ t: new Date(ms).toISOString(), ms, ...x }) as AuditEntry;
    const r = replayAudit([
      e({ event: 'command', key: 'g', command: 'approve', ok: true, state: 'approved' }, 1),
      e({ event: 'push', key: 'g', suggestion: {}, where: 'master volume', outcome: 'applied', message: '', ops: [{ control: 'master volume', unit: 'dB', before: { wire: 0, value: 0 }, sent: { wire: -3, value: -3, message: '/master/gain f:-3' }, readBack: { wire: -3, value: -3 }, ok: true }] }, 2),
      e({ event: 'undo', key: 'g', outcome: 'restored', message: '', ops: [{ control: 'master volume', unit: 'dB', sent: { wire: 0, value: 0, message: '' }, readBack: { wire: 0, value: 0 }, ok: true }] }, 3),
    ]);
    expect(r.changes).toEqual([expect.objectContaining({ control: 'master volume', from: 0, to: -3, undoneAt: new Date(3).toISOString() })]);
    expect(r.net).toEqual([expect.objectContaining({ original: 0, now: 0 })]);
    expect(r.lines.join('\n')).toMatch(/master volume: 0 dB -> -3 dB, read back -3 dB/);
  });
});
