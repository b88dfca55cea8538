import { describe, expect, it } from 'vitest';
import { coord, esc, fmtNum, gappedBand, gappedLine, linearScale, logScale, niceDomain } from '../../../src/ui/plot/svg.js';

describe('svg helpers', () => {
  it('breaks lines and bands at nulls instead of bridging them', () => {
    expect(gappedLine([[0, 0], null, [1, 1], [2, 2], null])).toBe('M0 0 M1 1L2 2');
    expect(gappedLine([null, null])).toBe('');
    expect(gappedBand([0, 1, 2, 3], [5, 5, null, 5], [1, 1, 1, 1])).toBe('M0 1L1 1L1 5L0 5Z M1 1H5V5H1Z');
  });

  it('formats readings with a true minus and never a negative zero', () => {
    expect(fmtNum(-3.25, 1)).toBe('\u22123.3');
    expect(fmtNum(-0.04, 1)).toBe('0.0');
    expect(fmtNum(2, 1, true)).toBe('+2.0');
    expect(coord(-0.001)).toBe('0');
    expect(coord(1.005 + 1e-9)).toBe('1.01');
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(esc(`a<b>&"c'\u0007`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('maps through log and linear scales', () => {
    const x = logScale([20, 20000], [0, 300]);
    expect(x(200)).toBeCloseTo(100, 9);
    expect(x(2000)).toBeCloseTo(200, 9);
    const y = linearScale([-60, 0], [400, 100]);
    expect(y(-20)).toBeCloseTo(200, 9);
  });

  it('chooses grid-aligned domains within the span limits, keeping the top', () => {
    const opts = { pad: 2, minSpan: 24, maxSpan: 60, steps: [3, 6, 10, 12], maxTicks: 10, fallback: [-48, 0] as [number, number] };
    expect(niceDomain([-10, -20], opts)).toEqual({ domain: [-27, -3], step: 3 }); // -22..-8 widened to 24 dB about -15;
    const wide = niceDomain([-5, -120], opts);
    expect(wide.domain[1]).toBe(0);
    expect(wide.domain[1] - wide.domain[0]).toBeLessThanOrEqual(60);
    expect(niceDomain([], opts).domain).toEqual([-48, 0]);
  });
});
