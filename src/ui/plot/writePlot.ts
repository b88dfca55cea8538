import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { AmaError, errorMessage } from '../../util/errors.js';
import { svgToPng } from './png.js';

/** File endings `--plot` accepts, lower case. */
export const PLOT_EXTENSIONS = ['.svg', '.png'] as const;

/**
 * Writes a plot to `path`, as the SVG itself (.svg) or rendered to PNG (.png), chosen by the
 * extension (case-insensitive); any other extension is refused before anything is rendered.
 */
export async function writePlot(path: string, svg: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (!(PLOT_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new AmaError('BAD_OPTION', `--plot must name an .svg or .png file, got "${path}"; use e.g. --plot compare.png`);
  }
  const bytes = ext === '.svg' ? Buffer.from(svg, 'utf8') : await svgToPng(svg);
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw new AmaError('BAD_OPTION', `cannot write the plot to "${path}": ${errorMessage(err)}; check that the folder exists and is writable`, { cause: err });
  }
}
