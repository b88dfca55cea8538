import { describe, expect, it } from 'vitest';
import { SuggestionBoard } from '../../../src/suggest/board.js';
import type { BoardCommand } from '../../../src/suggest/boardTypes.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { eq, gain } from './boardFixtures.js';

const S = 1000;
const KEY = 'eq:master:peaking@250Hz';

/** A board on which KEY (and a gain) are shown, at t = 3 s. */
function shown(list: Suggestion[] = [eq(250, -3), gain(1)]): SuggestionBoard {
  const b = new SuggestionBoard();
  for (let i = 0; i < 4; i++) b.update(list, i * S);
  return b;
}

const stateOf = (b: SuggestionBoard, key = KEY) => b.items().find((it) => it.suggestion.key === key)?.state;

/** Runs a command that must be refused, and checks that nothing changed. */
function refused(b: SuggestionBoard, cmd: BoardCommand, key: string, code: 'UNKNOWN_KEY' | 'BAD_STATE', t: number): string {
  const before = JSON.stringify(b.items());
  const rev = b.revision;
  let calls = 0;
  const off = b.onChange(() => calls++);
  const r = b.command(cmd, key, t);
  off();
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect(r.code).toBe(code);
  expect(r.key).toBe(key);
  expect(JSON.stringify(b.items())).toBe(before);
  expect(b.revision).toBe(rev);
  expect(calls).toBe(0);
  return r.message;
}

describe('SuggestionBoard transitions', () => {
  it('approve: proposed -> approved, then frozen (no expiry, numbers held)', () => {
    const b = shown();
    let calls = 0;
    b.onChange(() => calls++);
    expect(b.command('approve', KEY, 4 * S)).toEqual({ ok: true, key: KEY, state: 'approved' });
    expect(calls).toBe(1);
    expect(b.items().find((it) => it.suggestion.key === KEY)).toMatchObject({ state: 'approved', sinceMs: 4 * S });
    for (let t = 5; t < 60; t++) b.update(t % 2 ? [eq(250, -6)] : [], t * S);
    expect(stateOf(b)).toBe('approved');
    expect(b.items().find((it) => it.suggestion.key === KEY)!.suggestion.params).toMatchObject({ gainDb: -3 });
  });

  it('approve -> applied (push) -> undone; approve -> failed (with the sentence) -> undone', () => {
    const b = shown();
    b.command('approve', KEY, 4 * S);
    expect(b.markPushed(KEY, 'applied', 5 * S)).toEqual({ ok: true, key: KEY, state: 'applied' });
    expect(b.command('undo', KEY, 6 * S)).toEqual({ ok: true, key: KEY, state: 'undone' });
    const c = shown();
    c.command('approve', KEY, 4 * S);
    expect(c.markPushed(KEY, 'failed', 5 * S, 'REAPER did not answer')).toMatchObject({ ok: true, state: 'failed' });
    expect(c.items().find((it) => it.suggestion.key === KEY)!.message).toBe('REAPER did not answer');
    expect(c.command('undo', KEY, 6 * S)).toMatchObject({ ok: true, state: 'undone' });
    expect(c.items().find((it) => it.suggestion.key === KEY)!.message).toBeUndefined();
  });

  it('undo: approved -> undone; returns to proposed after retainSec if still proposed, else is dropped', () => {
    const b = shown();
    b.command('approve', KEY, 4 * S);
    expect(b.command('undo', KEY, 5 * S)).toEqual({ ok: true, key: KEY, state: 'undone' });
    for (let t = 6; t < 15; t++) b.update([eq(250, -3), gain(1)], t * S);
    expect(stateOf(b)).toBe('undone');
    b.update([eq(250, -3), gain(1)], 15 * S);
    expect(stateOf(b)).toBe('proposed');
    b.command('approve', KEY, 16 * S);
    b.command('undo', KEY, 17 * S);
    for (let t = 18; t <= 27; t++) b.update([gain(1)], t * S);
    expect(stateOf(b)).toBeUndefined();
  });

  it('reject: proposed -> rejected; not proposed again until its parameters change materially', () => {
    const b = shown();
    expect(b.command('reject', KEY, 4 * S)).toEqual({ ok: true, key: KEY, state: 'rejected' });
    for (let t = 5; t < 14; t++) b.update([eq(250, -3.9), gain(1)], t * S); // 0.9 dB: below 2 x 0.5 dB
    expect(stateOf(b)).toBe('rejected');
    for (let t = 14; t < 40; t++) b.update([eq(260, -3.8, 1, KEY), gain(1)], t * S);
    expect(stateOf(b)).toBeUndefined(); // hidden after 10 s, still remembered
    expect(b.items().map((it) => it.suggestion.key)).toEqual(['loudness:master:gain']);
    // A material change (1.5 dB) lifts the rejection; the new numbers go through the hysteresis again.
    b.update([eq(250, -4.5), gain(1)], 40 * S);
    expect(stateOf(b)).toBeUndefined();
    for (let t = 41; t <= 43; t++) b.update([eq(250, -4.5), gain(1)], t * S);
    expect(stateOf(b)).toBe('proposed');
    expect(b.items().find((it) => it.suggestion.key === KEY)!.suggestion.params).toMatchObject({ gainDb: -4.5 });
  });

  it('expired -> proposed again through the hysteresis when the agents propose it again', () => {
    const b = shown([eq(250, -3)]);
    for (let t = 4; t <= 8; t++) b.update([], t * S);
    expect(stateOf(b)).toBe('expired');
    b.update([eq(250, -3)], 9 * S);
    expect(stateOf(b)).toBeUndefined();
    for (let t = 10; t <= 12; t++) b.update([eq(250, -3)], t * S);
    expect(stateOf(b)).toBe('proposed');
  });
});

describe('SuggestionBoard refusals change nothing', () => {
  it('refuses unknown and not-yet-shown keys', () => {
    const b = shown();
    expect(refused(b, 'approve', 'eq:nope', 'UNKNOWN_KEY', 4 * S)).toMatch(/No suggestion with key "eq:nope" is on the board/);
    b.update([eq(250, -3), gain(1), gain(3, 1, 'loudness:master:new')], 4 * S); // pending
    refused(b, 'approve', 'loudness:master:new', 'UNKNOWN_KEY', 4 * S);
    refused(b, 'undo', 'eq:nope', 'UNKNOWN_KEY', 4 * S);
    refused(b, 'reject', 'eq:nope', 'UNKNOWN_KEY', 4 * S);
  });

  it('refuses commands in the wrong state, saying which state it is in and which it needs', () => {
    const b = shown();
    expect(refused(b, 'undo', KEY, 'BAD_STATE', 4 * S)).toBe(`Cannot undo "${KEY}": it is proposed; undo applies to a suggestion that is approved or applied or failed.`);
    b.command('approve', KEY, 4 * S);
    expect(refused(b, 'approve', KEY, 'BAD_STATE', 5 * S)).toMatch(/Cannot approve .*: it is approved; approve applies to a suggestion that is proposed/);
    refused(b, 'reject', KEY, 'BAD_STATE', 5 * S);
    b.markPushed(KEY, 'applied', 5 * S);
    refused(b, 'approve', KEY, 'BAD_STATE', 6 * S);
    refused(b, 'reject', KEY, 'BAD_STATE', 6 * S);
    b.command('undo', KEY, 6 * S);
    for (const cmd of ['approve', 'reject', 'undo'] as const) refused(b, cmd, KEY, 'BAD_STATE', 7 * S);
    const gainKey = 'loudness:master:gain';
    b.command('reject', gainKey, 7 * S);
    for (const cmd of ['approve', 'reject', 'undo'] as const) refused(b, cmd, gainKey, 'BAD_STATE', 8 * S);
  });

  it('refuses an expired item, an unknown command and a push outcome for an item that is not approved', () => {
    const b = shown([eq(250, -3)]);
    for (let t = 4; t <= 8; t++) b.update([], t * S);
    for (const cmd of ['approve', 'reject', 'undo'] as const) refused(b, cmd, KEY, 'BAD_STATE', 8 * S);
    expect(refused(b, 'delete' as BoardCommand, KEY, 'BAD_STATE', 8 * S)).toMatch(/Unknown command "delete"; accepted: approve, reject, undo/);
    const c = shown();
    expect(c.markPushed(KEY, 'applied', 4 * S)).toMatchObject({ ok: false, code: 'BAD_STATE' });
    expect(c.markPushed('eq:nope', 'applied', 4 * S)).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    expect(stateOf(c)).toBe('proposed');
  });

  it('forgets the oldest hidden rejections beyond maxRemembered', () => {
    const b = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0, retainSec: 0, maxRemembered: 10 });
    for (let i = 0; i < 30; i++) {
      const key = `loudness:master:g${i}`;
      b.update([gain(1, 0.5, key)], i * S);
      expect(b.command('reject', key, i * S).ok).toBe(true);
    }
    b.update([], 31 * S);
    expect(b.items()).toEqual([]);
    // The oldest rejection is forgotten: proposed again at once (K = 1); a recent one is still refused.
    b.update([gain(1, 0.5, 'loudness:master:g0'), gain(1, 0.5, 'loudness:master:g29')], 32 * S);
    expect(b.items().map((it) => it.suggestion.key)).toEqual(['loudness:master:g0']);
  });
});
