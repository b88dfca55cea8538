import { describe, expect, it } from 'vitest';
import { SuggestionBoard } from '../../../src/suggest/board.js';
import { compactComparison } from '../../../src/transport/ws/protocol.js';
import { compareToTarget } from '../../../src/reference/compare.js';
import { detailLines, HELP_TEXT, meterLines, proposalLines, scrollTo, statusLine, stereoLines } from '../../../src/ui/dashboard/panels.js';
import { bar, esc, fit, plain } from '../../../src/ui/dashboard/text.js';
import { tonalPlot } from '../../../src/ui/dashboard/tonalPlot.js';
import { buildStatus } from '../../../src/transport/ws/protocol.js';
import { balancedRefs, targetOf, track } from '../suggest/fixtures.js';
import { eq, gain, note } from '../suggest/boardFixtures.js';

// A mix 3 dB dull above 4 kHz and 6 LU quiet against balanced references.
const mix = track({ lufs: -20, midShape: (hz) => (hz > 4000 ? -3 : 0) });
const comparison = compactComparison(compareToTarget(mix, targetOf(balancedRefs())), 'window');
const live = { ...mix.loudness, momentaryLufs: -19, shortTermLufs: -20 };
const widthOf = (lines: string[]) => Math.max(...lines.map((l) => plain(l).length));

describe('dashboard panels', () => {
  it('draw the six meters with their numbers within the width, the reference mean marked, outside values red', () => {
    for (const width of [34, 60]) {
      const lines = meterLines(live, comparison, width);
      expect(lines.map((l) => plain(l).slice(0, 4).trim())).toEqual(['M', 'S', 'I', 'TP', 'LRA', 'PLR']);
      expect(widthOf(lines)).toBeLessThanOrEqual(width);
      expect(plain(lines[2])).toMatch(/^I\s+-20\.0 LUFS .*┃/);
    }
    const [, , integrated] = meterLines(live, comparison, 40);
    expect(integrated.startsWith('{red-fg}')).toBe(true); // -20 against references around -14
    expect(plain(meterLines(null, null, 40)[0])).toMatch(/^M\s+-- LUFS\s+·+$/);
  });

  it('plots the tonal balance as deviations from the references\' mean: a 3 dB cut above 4 kHz goes down, red', () => {
    const lines = tonalPlot(comparison.tonal, 40, 6, 12);
    expect(lines).toHaveLength(7);
    expect(widthOf(lines)).toBeLessThanOrEqual(40);
    const rows = lines.slice(0, 6).map(plain);
    const col = (hz: number) => 4 + comparison.tonal.filter((r) => r.centerHz >= 25 && r.centerHz < hz).length;
    // 4 dB per row: the 8 kHz band's -3 dB fills most of the first row under the mean, the 1 kHz band nothing.
    expect(rows[3][col(8000)]).toBe('▀');
    expect(rows[2][col(8000)]).toMatch(/[ ░]/); // no bar above the mean line
    expect(rows[3][col(1000)]).not.toMatch(/[█▀▔]/);
    expect(lines[3]).toContain('{red-fg}▀{/red-fg}');
    expect(plain(lines[6])).toMatch(/^ Hz .*1k.*8k/);
    // Two columns per band when there is room.
    expect(widthOf(tonalPlot(comparison.tonal, 70, 6))).toBe(4 + 2 * comparison.tonal.filter((r) => r.centerHz >= 25 && r.centerHz <= 16000).length);
  });

  it('lists proposals with rank, state and what to do; the selected one inverse; scrolls to the selection', () => {
    const board = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
    board.update([eq(250, -3), gain(1), note()], 0);
    board.command('approve', board.items()[1].suggestion.key, 1);
    const items = board.items();
    const lines = proposalLines(items, 1, 0, 10, 60);
    expect(lines).toHaveLength(3);
    expect(lines[1].startsWith('{inverse}')).toBe(true);
    expect(plain(lines[1])).toMatch(/^ 2 APPROVED /);
    expect(widthOf(lines)).toBe(60);
    expect(plain(proposalLines([], 0, 0, 5, 60)[0])).toMatch(/No proposals yet/);
    expect(scrollTo(7, 0, 5, 10)).toBe(3);
    expect(scrollTo(1, 3, 5, 10)).toBe(1);
    expect(detailLines(items[0], 30, 2).map(plain).every((l) => l.length <= 30)).toBe(true);
  });

  it('fits the status line in 80 columns with the state, overruns, feed port and clients, CPU and help', () => {
    const status = buildStatus({ t: 3, device: 'BlackHole 2ch', sampleRateHz: 48000, channels: 2, overruns: 2, clients: 1, cpuShare: 0.043 });
    const line = plain(statusLine(status, 'ws://127.0.0.1:8787', 79));
    expect(line.length).toBeLessThanOrEqual(79);
    expect(line).toMatch(/^running │ overruns 2 │ WS :8787 1 client │ CPU 4\.3% │ BlackHole.* │ \? help$/);
    expect(statusLine(status, null, 79).startsWith('{yellow-fg}')).toBe(true); // overruns draw the eye
    // A DAW that does not answer and the live stems' coverage come before the device name.
    const pushing = buildStatus({
      t: 3, device: 'BlackHole 2ch', sampleRateHz: 48000, channels: 2, overruns: 0, clients: 0, cpuShare: 0.05,
      daw: { daw: 'ardour', host: '127.0.0.1', port: 3819, reachable: false, message: null },
      separation: { separator: 'dsp', coverage: 0.42, delaySec: 1.3, windowSec: 10, separations: 2, error: null },
    });
    const withDaw = plain(statusLine(pushing, null, 99));
    expect(withDaw.length).toBeLessThanOrEqual(99);
    expect(withDaw).toMatch(/│ ardour DOWN │ stems dsp 42% 1\.3s late │ Black/);
    expect(plain(statusLine(pushing, null, 79))).toMatch(/│ ardour DOWN │ .*\? help$/);
    expect(HELP_TEXT.every((l) => l.length <= 76)).toBe(true);
    expect(plain(stereoLines(mix.profile, comparison, 34)[0])).toMatch(/^Width\s+-?\d+\.\d dB\s+refs/);
  });

  it('escape braces and bound bars', () => {
    expect(plain(esc('{red-fg}x{/red-fg}'))).toBe('{red-fg}x{/red-fg}');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(bar(-24, -48, 0, 10)).toBe('█████·····');
    expect(bar(100, -48, 0, 4, -12)).toBe('██┃█');
    expect(bar(null, 0, 1, 3)).toBe('···');
  });
});
