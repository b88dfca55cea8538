import { describe, expect, it } from 'vitest';
import { SuggestionBoard } from '../../../src/suggest/board.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { eq, gain, jitter, note } from './boardFixtures.js';

const S = 1000;

/** Feeds the same list at t0, t0+step, ... (n evaluations); returns the time of the last. */
function feed(board: SuggestionBoard, list: Suggestion[] | ((i: number) => Suggestion[]), n: number, t0 = 0, step = S): number {
  let t = t0;
  for (let i = 0; i < n; i++) {
    t = t0 + i * step;
    board.update(typeof list === 'function' ? list(i) : list, t);
  }
  return t;
}

const visible = (b: SuggestionBoard) => b.items().map((it) => `${it.suggestion.key}:${it.state}`);

describe('SuggestionBoard hysteresis', () => {
  it('shows a stable proposal only after K evaluations spanning T s', () => {
    const b = new SuggestionBoard(); // 3 evaluations over 3 s
    const s = [eq(250, -3)];
    feed(b, s, 3); // t = 0, 1, 2: three evaluations, but only 2 s
    expect(b.items()).toEqual([]);
    b.update(s, 3 * S);
    expect(visible(b)).toEqual(['eq:master:peaking@250Hz:proposed']);
    expect(b.items()[0]).toMatchObject({ rank: 1, sinceMs: 3 * S, stableForSec: 3 });
  });

  it('needs K evaluations even when they span more than T s', () => {
    const b = new SuggestionBoard();
    feed(b, [eq(250, -3)], 2, 0, 10 * S);
    expect(b.items()).toEqual([]);
    b.update([eq(250, -3)], 20 * S);
    expect(b.items()).toHaveLength(1);
  });

  it('expires a shown proposal only after M absences spanning S s, and hides it after retainSec', () => {
    const b = new SuggestionBoard(); // expire: 3 evaluations, 5 s since last seen; retain 10 s
    feed(b, [eq(250, -3)], 4); // visible at t = 3
    for (const t of [4, 5, 6, 7]) {
      b.update([], t * S);
      expect(visible(b)).toEqual(['eq:master:peaking@250Hz:proposed']);
    }
    b.update([], 8 * S); // 4 absences, 5 s since t = 3
    expect(visible(b)).toEqual(['eq:master:peaking@250Hz:expired']);
    b.update([], 17 * S);
    expect(b.items()).toHaveLength(1);
    b.update([], 18 * S);
    expect(b.items()).toEqual([]);
  });

  it('does not flicker: a proposal that comes and goes with 0.2 dB jitter never shows', () => {
    const b = new SuggestionBoard();
    let changes = 0;
    b.onChange(() => changes++);
    const r = jitter();
    for (let i = 0; i < 120; i++) b.update(i % 2 === 0 ? [eq(250, -3 + 0.2 * r())] : [], i * S);
    expect(b.items()).toEqual([]);
    expect(changes).toBe(0);
  });

  it('does not flicker: a shown proposal that then comes and goes with 0.2 dB jitter keeps its numbers and rank', () => {
    const b = new SuggestionBoard();
    const r = jitter(7);
    feed(b, [eq(250, -3), gain(2)], 4);
    const before = b.items();
    const rev = b.revision;
    let changes = 0;
    b.onChange(() => changes++);
    for (let i = 4; i < 200; i++) {
      const list = [gain(2 + 0.2 * r(), 0.5 + 0.05 * r()), ...(i % 2 === 0 ? [eq(250 * (1 + 0.02 * r()), -3 + 0.2 * r(), 1 + 0.1 * r(), 'eq:master:peaking@250Hz')] : [])];
      b.update(list, i * S);
      const now = b.items();
      expect(now.map((it) => [it.suggestion.key, it.state, it.rank])).toEqual(before.map((it) => [it.suggestion.key, it.state, it.rank]));
      expect(now.map((it) => it.suggestion)).toEqual(before.map((it) => it.suggestion));
    }
    expect(changes).toBe(0);
    expect(b.revision).toBe(rev);
  });

  it('updates shown numbers only beyond the deadband, and follows slow drift', () => {
    const b = new SuggestionBoard();
    const eq1k = (hz: number, db: number) => eq(hz, db, 1, 'eq:master:peaking@1000Hz');
    feed(b, [eq1k(1000, -3)], 4);
    const shown = () => b.items()[0].suggestion.params as { frequencyHz: number; gainDb: number };
    b.update([eq1k(1000, -3.4)], 4 * S);
    expect(shown().gainDb).toBe(-3);
    b.update([eq1k(1000, -3.6)], 5 * S);
    expect(shown().gainDb).toBe(-3.6);
    b.update([eq1k(1080, -3.6)], 6 * S); // +8 %
    expect(shown().frequencyHz).toBe(1000);
    b.update([eq1k(1120, -3.6)], 7 * S); // +12 %
    expect(shown().frequencyHz).toBe(1120);
    // 0.1 dB per evaluation: the shown value moves in steps of 0.6 dB, not every time
    const seen: number[] = [];
    for (let i = 1; i <= 12; i++) {
      b.update([eq1k(1120, -3.6 - 0.1 * i)], (7 + i) * S);
      seen.push(shown().gainDb);
    }
    expect(new Set(seen.map((x) => x.toFixed(1)))).toEqual(new Set(['-3.6', '-4.2', '-4.8']));
  });

  it('keeps the rank order under small changes of effect and reorders on a clear one', () => {
    const b = new SuggestionBoard();
    feed(b, [eq(250, -3, 1.0), eq(4000, 2, 0.9)], 4);
    const order = () => b.items().map((it) => it.suggestion.key);
    expect(order()).toEqual(['eq:master:peaking@250Hz', 'eq:master:peaking@4000Hz']);
    b.update([eq(250, -3, 0.85), eq(4000, 2, 1.0)], 4 * S); // crossed, but within 25 %
    expect(order()).toEqual(['eq:master:peaking@250Hz', 'eq:master:peaking@4000Hz']);
    b.update([eq(250, -3, 0.85), eq(4000, 2, 2.0)], 5 * S);
    expect(order()).toEqual(['eq:master:peaking@4000Hz', 'eq:master:peaking@250Hz']);
    expect(b.items().map((it) => it.rank)).toEqual([1, 2]);
  });

  it('ranks moves before notes, and fading items last', () => {
    const b = new SuggestionBoard();
    feed(b, [note(), gain(1, 0.2), eq(250, -3, 1)], 4);
    b.command('reject', 'eq:master:peaking@250Hz', 4 * S);
    expect(b.items().map((it) => `${it.rank} ${it.suggestion.key} ${it.state}`)).toEqual([
      '1 loudness:master:gain proposed', '2 tonal:master:dark proposed', '3 eq:master:peaking@250Hz rejected',
    ]);
  });

  it('is deterministic and takes an earlier time as the latest', () => {
    const run = () => {
      const b = new SuggestionBoard();
      const r = jitter(3);
      for (let i = 0; i < 40; i++) b.update([eq(250, -3 + r()), gain(1 + r())].filter((_, k) => (i + k) % 3 !== 0), i * S);
      b.update([eq(250, -3)], 5 * S); // goes back in time: taken as t = 39 s
      return JSON.stringify(b.items());
    };
    expect(run()).toBe(run());
  });
});

describe('SuggestionBoard listeners and options', () => {
  it('keeps going when a listener throws, and reports it', () => {
    const errors: unknown[] = [];
    const b = new SuggestionBoard({}, { onListenerError: (e) => errors.push(e) });
    let good = 0;
    b.onChange(() => { throw new Error('bad listener'); });
    const off = b.onChange(() => good++);
    feed(b, [eq(250, -3)], 4);
    expect(good).toBe(1);
    expect(errors).toHaveLength(1);
    expect(b.command('approve', 'eq:master:peaking@250Hz', 5 * S)).toMatchObject({ ok: true, state: 'approved' });
    expect(good).toBe(2);
    off();
    b.command('undo', 'eq:master:peaking@250Hz', 6 * S);
    expect(good).toBe(2);
  });

  it('refuses invalid options, listing every problem', () => {
    expect(() => new SuggestionBoard({ appearEvaluations: 0, expireSec: -1, levelDeadbandDb: Number.NaN })).toThrow(
      /appearEvaluations: must be a number within \[1, 1000\], got 0\nexpireSec: .*got -1\nlevelDeadbandDb: .*got NaN/,
    );
    expect(() => new SuggestionBoard({ appearSecs: 3 } as never)).toThrow(/appearSecs: unknown board option/);
  });

  it('shows at once with K = 1 and T = 0', () => {
    const b = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
    b.update([gain(1)], 0);
    expect(visible(b)).toEqual(['loudness:master:gain:proposed']);
  });
});
