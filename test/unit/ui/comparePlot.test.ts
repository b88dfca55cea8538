import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ISO_THIRD_OCTAVE_NOMINAL_HZ } from '../../../src/dsp/bands.js';
import type { FeatureComparison } from '../../../src/reference/compare.js';
import { PLOT_HEIGHT, PLOT_LAYOUT, PLOT_WIDTH, renderComparePlot, writePlot } from '../../../src/ui/plot/comparePlot.js';
import { bundledFontFiles, svgToPng } from '../../../src/ui/plot/png.js';
import { AmaError } from '../../../src/util/errors.js';
import { bandName, plausibleComparisons, row, targetOf } from './plotFixture.js';
import { darkPixels, decodePng, hasPngSignature, pixelVariance } from './pngDecode.js';
import { xmlProblems } from './xmlCheck.js';

/** Mid levels: refs v-1, v, v+1 per band; the mix sits on v except where a test needs otherwise. */
function constructed(): FeatureComparison[] {
  const rows: FeatureComparison[] = [];
  for (const hz of ISO_THIRD_OCTAVE_NOMINAL_HZ) {
    const v = -20 - 2 * Math.abs(Math.log2(hz / 1000));
    let mix: number | null = v;
    if (hz === 100) mix = v + 6; // outside, above
    if (hz === 8000) mix = v - 5; // outside, below
    if (hz === 500 || hz === 20000) mix = null; // not measurable: a gap
    const refs = hz === 16000 ? [null, null, null] : [v - 1, v, v + 1];
    rows.push(row(`tonal.mid.${bandName(hz)}`, 'dB', 'spectrum', mix, refs, 0.75, hz));
    rows.push(row(`tonal.side.${bandName(hz)}`, 'dB', 'spectrum', v - 12, [v - 13, v - 12, v - 11], 1, hz));
    rows.push(row(`width.${bandName(hz)}`, 'dB', 'stereoBands', hz === 2000 ? -3 : -12, [-13, -12, -11], 1.5, hz));
    rows.push(row(`correlation.${bandName(hz)}`, 'ratio', 'stereoBands', 0.8, [0.75, 0.8, 0.85], 0.05, hz));
  }
  rows.push(row('integratedLufs', 'LUFS', 'loudness', null, [-9, -8, -10], 0.5));
  rows.push(row('truePeakDbtp', 'dBTP', 'loudness', 0.5, [-1, -0.5, -1.2], 0.3));
  rows.push(row('plrDb', 'dB', 'dynamics', 9, [8, 9, 10], 0.5));
  return rows;
}

function render(comparisons = constructed(), mixName = 'mix.wav', referenceNames = ['a.wav', 'b.wav', 'c.wav']): string {
  return renderComparePlot({ mixName, referenceNames, comparisons, target: targetOf(referenceNames.length) });
}

/** The panel's declared plotting rectangle and domains, and this test's own axis transform for them. */
function axes(svg: string, id: string) {
  const m = new RegExp(`data-panel="${id}" data-plot-rect="([^"]+)" data-x-domain="([^"]+)" data-y-domain="([^"]+)"`).exec(svg);
  if (!m) throw new Error(`no panel ${id}`);
  const [x, y, w, h] = m[1].split(' ').map(Number);
  const [f0, f1] = m[2].split(' ').map(Number);
  const [lo, hi] = m[3].split(' ').map(Number);
  return {
    rect: { x, y, w, h }, yDomain: [lo, hi], xDomain: [f0, f1],
    xOf: (hz: number) => x + (w * Math.log(hz / f0)) / Math.log(f1 / f0),
    yOf: (v: number) => y + (h * (hi - v)) / (hi - lo),
  };
}

/** Subpaths of the path with `data-series="<series>"`, as lists of [x, y]. */
function subpaths(svg: string, series: string): Array<Array<[number, number]>> {
  const m = new RegExp(`data-series="${series}" d="([^"]*)"`).exec(svg);
  if (!m) throw new Error(`no series ${series}`);
  return m[1].split('M').filter((s) => s.trim()).map((s) =>
    s.replace(/Z/g, '').split(/[LHV]/).map((p) => p.trim().split(/\s+/).map(Number) as [number, number]).filter((p) => p.length === 2));
}

describe('renderComparePlot', () => {
  it('gives well-formed SVG of the stated size, and the checker can tell', () => {
    const svg = render();
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}"`));
    expect(xmlProblems('<svg><g></svg>').length).toBeGreaterThan(0);
    expect(xmlProblems('<svg><text>a & b</text></svg>').length).toBeGreaterThan(0);
    expect(xmlProblems('<svg x="1" x="2"/>').length).toBeGreaterThan(0);
  });

  it('maps mix points through the log-frequency and dB axes (1 kHz at -20 dB, 100 Hz at +6 over its band)', () => {
    const svg = render();
    const a = axes(svg, 'tonal');
    expect(a.rect).toEqual(PLOT_LAYOUT.tonal);
    expect(a.xDomain).toEqual([20, 20000]);
    // Hand-computed for the layout: 1 kHz is log10(50)/3 of the way along 20 Hz..20 kHz.
    expect(a.xOf(1000)).toBeCloseTo(PLOT_LAYOUT.tonal.x + PLOT_LAYOUT.tonal.w * (Math.log10(50) / 3), 6);
    const points = subpaths(svg, 'mid-mix').flat();
    const near = (hz: number, db: number) => points.some(([x, y]) => Math.abs(x - a.xOf(hz)) < 0.01 && Math.abs(y - a.yOf(db)) < 0.01);
    expect(near(1000, -20)).toBe(true);
    const v100 = -20 - 2 * Math.abs(Math.log2(0.1));
    expect(near(100, v100 + 6)).toBe(true);
    expect(near(100, v100)).toBe(false);
    // The declared axes are the drawn ones: tick labels sit where the same transform puts them.
    const xTick = /<text x="([^"]+)" y="[^"]+" text-anchor="middle" data-x-tick="1000">1k<\/text>/.exec(svg.slice(svg.indexOf('data-panel="tonal"')));
    expect(Number(xTick![1])).toBeCloseTo(a.xOf(1000), 2);
    const yTicks = [...svg.slice(svg.indexOf('data-panel="tonal"')).split('data-panel="width"')[0].matchAll(/<text x="[^"]+" y="([^"]+)" text-anchor="end" data-y-tick="([^"]+)">/g)];
    expect(yTicks.length).toBeGreaterThanOrEqual(4);
    for (const [, y, v] of yTicks) expect(Number(y)).toBeCloseTo(a.yOf(Number(v)) + 4, 2);
  });

  it('rings the bands outside the references, and labels their deviation from the mean', () => {
    const svg = render();
    const marked = [...svg.matchAll(/data-outside="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(marked).toEqual(['tonal.mid.100Hz', 'tonal.mid.8kHz', 'width.2kHz']);
    expect(svg).toMatch(/data-deviation="tonal.mid.100Hz"[^>]*>\+6.0 dB</);
    expect(svg).toMatch(/data-deviation="tonal.mid.8kHz"[^>]*>\u22125.0 dB</);
    expect(svg).toMatch(/data-row="truePeakDbtp" data-inside="false"/);
    expect(svg).toMatch(/data-row="plrDb" data-inside="true"/);
  });

  it('leaves null values out as gaps, never drawn at zero', () => {
    const svg = render();
    const a = axes(svg, 'tonal');
    const runs = subpaths(svg, 'mid-mix');
    expect(runs.map((r) => r.length)).toEqual([14, 15]); // 20..400 Hz | 630 Hz..16 kHz; 500 Hz and 20 kHz missing
    const xs = runs.flat().map(([x]) => x);
    for (const hz of [500, 20000]) expect(xs.some((x) => Math.abs(x - a.xOf(hz)) < 1)).toBe(false);
    for (const series of ['mid-range', 'mid-mean']) {
      const pts = subpaths(svg, series).flat();
      expect(pts.length).toBeGreaterThan(0);
      expect(pts.some(([x]) => Math.abs(x - a.xOf(16000)) < 1)).toBe(false);
    }
    expect(svg).not.toMatch(/data-mix="integratedLufs"/);
    expect(svg).toMatch(/data-row="integratedLufs"[\s\S]*?>n\/a</);
    expect(svg).toMatch(/data-mix="plrDb"/);
  });

  it('marks a value beyond the scale at the frame edge instead of squashing the scale', () => {
    const rows = constructed().map((c) => (c.feature === 'tonal.mid.25Hz' ? { ...c, mix: -120 } : c));
    const svg = render(rows);
    const a = axes(svg, 'tonal');
    expect(a.yDomain[1] - a.yDomain[0]).toBeLessThanOrEqual(66);
    expect(a.yDomain[0]).toBeGreaterThan(-120);
    const tri = /<path data-offscale="tonal.mid.25Hz" d="M([^ ]+) ([^L]+)L[^"]*"/.exec(svg);
    expect(tri).not.toBeNull();
    expect(Number(tri![2])).toBeLessThanOrEqual(a.rect.y + a.rect.h);
    expect(Number(tri![2])).toBeGreaterThan(a.rect.y + a.rect.h - 20);
    expect(render()).not.toContain('data-offscale');
  });

  it('shows a mono mix as an empty width panel with a reason', () => {
    const rows = constructed().map((c) => (c.feature.startsWith('width.') ? { ...c, mix: null, inside: null, outsideBy: null, deltaFromMean: null } : c));
    const svg = render(rows);
    expect(subpaths(svg, 'width-mix')).toEqual([]);
    expect(svg).not.toMatch(/data-outside="width\./);
    const bare = render(rows.filter((c) => !c.feature.startsWith('width.')));
    expect(bare).toContain('no width: mono input');
    expect(xmlProblems(bare)).toEqual([]);
  });

  it('escapes names and drops characters XML forbids', () => {
    const svg = render(constructed(), '<b>"Tom & Jerry\'s"</b>\u0001.wav', ['x<y>.wav', 'a&b.flac']);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('&lt;b&gt;&quot;Tom &amp; Jerry&apos;s&quot;&lt;/b&gt;.wav');
    expect(svg).toContain('x&lt;y&gt;.wav, a&amp;b.flac');
    expect(svg).not.toContain('<b>');
  });

  it('names a percentile envelope and copes with no data at all', () => {
    const svg = renderComparePlot({ mixName: 'm', referenceNames: ['a', 'b', 'c', 'd', 'e'], comparisons: [], target: targetOf(5, 'p10-p90') });
    expect(svg).toContain('10th\u201390th percentile');
    expect(svg).toContain('no tonal balance measured');
    expect(xmlProblems(svg)).toEqual([]);
  });
});

describe('writePlot and PNG rendering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ama-plot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const example = () => renderComparePlot({
    mixName: 'mix.wav', referenceNames: ['a.wav', 'b.wav', 'c.wav'], comparisons: plausibleComparisons(), target: targetOf(3),
  });

  it('writes a PNG of the plot size that is not blank and has its text', async () => {
    const path = join(dir, 'plot.PNG');
    await writePlot(path, example());
    const bytes = readFileSync(path);
    expect(hasPngSignature(bytes)).toBe(true);
    const img = decodePng(bytes);
    expect([img.width, img.height]).toEqual([PLOT_WIDTH, PLOT_HEIGHT]);
    expect(pixelVariance(img)).toBeGreaterThan(100);
    expect(darkPixels(img, 80)).toBeGreaterThan(5000);
  });

  it('sets text in the bundled font with system fonts off', async () => {
    expect(bundledFontFiles().every((f) => existsSync(f))).toBe(true);
    const withText = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="10" y="38" font-size="32" font-family="DejaVu Sans">Hello</text></svg>';
    const noText = withText.replace(/<text[\s\S]*<\/text>/, '');
    expect(darkPixels(decodePng(await svgToPng(withText)))).toBeGreaterThan(150);
    expect(darkPixels(decodePng(await svgToPng(noText)))).toBe(0);
  });

  it('writes .svg as the SVG text itself', async () => {
    const svg = example();
    const path = join(dir, 'plot.svg');
    await writePlot(path, svg);
    expect(readFileSync(path, 'utf8')).toBe(svg);
  });

  it('refuses other extensions before writing anything, naming the accepted ones', async () => {
    const path = join(dir, 'plot.jpg');
    const err = await writePlot(path, example()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmaError);
    expect((err as AmaError).code).toBe('BAD_OPTION');
    expect((err as AmaError).message).toMatch(/\.svg.*\.png/);
    expect(existsSync(path)).toBe(false);
  });

  it('says when the folder cannot be written', async () => {
    const err = await writePlot(join(dir, 'missing', 'plot.svg'), '<svg/>').catch((e: unknown) => e);
    expect((err as AmaError).code).toBe('BAD_OPTION');
    expect((err as AmaError).message).toMatch(/folder exists/);
  });
});
