import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonLinesSink, TextSink } from '../../../src/daemon/outputs.js';
import { SuggestionBoard } from '../../../src/suggest/board.js';
import { buildMeter, buildProfile, buildStatus, buildSuggestions } from '../../../src/transport/ws/protocol.js';
import { eq, gain } from '../suggest/boardFixtures.js';
import { track } from '../suggest/fixtures.js';

const mix = track({ lufs: -14 });
const meter = (t: number) => buildMeter(t, { ...mix.loudness, momentaryLufs: -13, shortTermLufs: -14 });

/** A stream that accepts everything but reports `backlog` bytes not yet written, as a slow pipe would. */
function slowStream(backlog: { bytes: number }) {
  const lines: string[] = [];
  const out = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
  Object.defineProperty(out, 'writableLength', { get: () => backlog.bytes });
  return { out, lines };
}

describe('JsonLinesSink', () => {
  it('writes one message per line, as the feed does', () => {
    const { out, lines } = slowStream({ bytes: 0 });
    const sink = new JsonLinesSink(out);
    sink.write(meter(0.1));
    expect(lines).toEqual([JSON.stringify(meter(0.1)) + '\n']);
  });

  it('drops meter and status lines (never the others) while the reader is behind, then says how many', () => {
    const backlog = { bytes: 2 << 20 };
    const { out, lines } = slowStream(backlog);
    const sink = new JsonLinesSink(out, 1 << 20);
    for (let i = 1; i <= 5; i++) sink.write(meter(i / 10));
    sink.write(buildStatus({ t: 0.5 }));
    sink.write(buildProfile({ t: 1, windowSec: 30, window: mix.profile, session: mix.profile, comparison: null }));
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['profile']);
    backlog.bytes = 0;
    sink.write(meter(0.6));
    const after = lines.slice(1).map((l) => JSON.parse(l));
    expect(after[0]).toMatchObject({ type: 'notice', code: 'DROPPED', dropped: 6 });
    expect(after[1]).toMatchObject({ type: 'meter', t: 0.6 });
  });
});

describe('TextSink', () => {
  it('prints a loudness line every few seconds and the proposals when they change', () => {
    const { out, lines } = slowStream({ bytes: 0 });
    const sink = new TextSink(out, 5);
    for (let i = 1; i <= 100; i++) sink.write(meter(i / 10));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+0\.1 s {2}M -13\.0 {2}S -14\.0 {2}I -14\.0 LUFS/);
    const board = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
    board.update([eq(250, -3), gain(1)], 0);
    sink.write(buildSuggestions(board.items(), board.revision));
    sink.write(buildSuggestions(board.items(), board.revision));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^Proposals:\n {3}1 proposed  EQ bell 250 Hz -3.0 dB/);
  });
});
