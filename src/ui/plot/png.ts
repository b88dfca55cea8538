/**
 * The one adapter around the native SVG rasteriser (@resvg/resvg-js), loaded lazily so that
 * nothing else, and no test that only builds SVG, loads it. Text is set in DejaVu Sans from the
 * dejavu-fonts-ttf package and system fonts are never consulted, so a PNG is the same on every machine.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AmaError, errorMessage } from '../../util/errors.js';

/** Family name the bundled font registers under (the SVG asks for it first). */
export const PNG_FONT_FAMILY = 'DejaVu Sans';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

/** Paths of the bundled font files (regular and bold). */
export function bundledFontFiles(): string[] {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch (err) {
    throw new AmaError('INTERNAL', `the plot font package dejavu-fonts-ttf is missing (${errorMessage(err)}); reinstall ama with npm install`);
  }
  const files = FONT_FILES.map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new AmaError('INTERNAL', `plot font files missing: ${missing.join(', ')}; reinstall ama with npm install`);
  return files;
}

/** Rasterises an SVG document to PNG bytes at `scale` times its own size (1 = as many px as the SVG says). */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  if (!(scale > 0 && scale <= 8)) throw new AmaError('BAD_OPTION', `PNG scale must be within (0, 8], got ${scale}`);
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = await import('@resvg/resvg-js');
  } catch (err) {
    throw new AmaError('INTERNAL', `cannot load the PNG renderer @resvg/resvg-js (${errorMessage(err)}); reinstall ama with npm install, or write an .svg plot instead`);
  }
  try {
    const image = await resvg.renderAsync(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: '#ffffff',
      font: {
        loadSystemFonts: false,
        fontFiles: bundledFontFiles(),
        defaultFontFamily: PNG_FONT_FAMILY,
        sansSerifFamily: PNG_FONT_FAMILY,
      },
      logLevel: 'off',
    });
    return image.asPng();
  } catch (err) {
    if (err instanceof AmaError) throw err;
    throw new AmaError('INTERNAL', `could not render the plot to PNG: ${errorMessage(err)}`, { cause: err });
  }
}
