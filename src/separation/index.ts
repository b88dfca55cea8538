import { AmaError, errorMessage } from '../util/errors.js';
import { DspSeparator } from './dsp.js';
import { SEPARATOR_IDS, type SeparatorId, type SourceSeparator } from './types.js';

export { STEM_NAMES, SEPARATOR_IDS, type SeparatorId, type StemName, type StemSet, type SourceSeparator } from './types.js';
export { DspSeparator, separateDsp, separateDspSync } from './dsp.js';

/** Options of openSeparator, passed on to the model backends. */
export interface OpenSeparatorOptions {
  /** Folder of installed models (default: the installer's). */
  modelsDir?: string;
  /** Intra-op threads for a model backend. */
  threads?: number;
}

/** An opened separator, and a sentence for the user when it is not the one asked for. */
export interface OpenedSeparator {
  separator: SourceSeparator;
  /** Set when ama fell back to `dsp`: what went wrong and how to fix it. */
  notice?: string;
}

/** The separator id from user input; throws AmaError BAD_OPTION naming the valid ids. */
export function parseSeparatorId(value: string): SeparatorId {
  const v = value.trim().toLowerCase();
  if ((SEPARATOR_IDS as readonly string[]).includes(v)) return v as SeparatorId;
  throw new AmaError('BAD_OPTION', `unknown separator "${value}"; choose one of ${SEPARATOR_IDS.join(', ')} (dsp is built in)`);
}

interface OnnxModule {
  openOnnxSeparator(id: SeparatorId, options: OpenSeparatorOptions): Promise<SourceSeparator>;
}

// Kept in a variable so that the compiler does not require the backend to exist in every build.
const ONNX_MODULE = './onnx/index.js';

/**
 * Opens a separator. `dsp` is built in. `htdemucs` and `umx` load their ONNX backend on demand; when
 * it is missing, its model is not installed, damaged or of the wrong shape, ama carries on with `dsp`
 * and `notice` says why and how to fix it.
 */
export async function openSeparator(id: SeparatorId, options: OpenSeparatorOptions = {}): Promise<OpenedSeparator> {
  if (id === 'dsp') return { separator: new DspSeparator() };
  let mod: OnnxModule;
  try {
    mod = (await import(ONNX_MODULE)) as OnnxModule;
  } catch (err) {
    return { separator: new DspSeparator(), notice: `the ${id} separator is not available in this build of ama (${errorMessage(err)}); using the built-in dsp separator instead` };
  }
  try {
    return { separator: await mod.openOnnxSeparator(id, options) };
  } catch (err) {
    const fix = err instanceof AmaError ? '' : `; if "ama models install ${id}" does not help, please report it`;
    return { separator: new DspSeparator(), notice: `${errorMessage(err)}${fix}; using the built-in dsp separator instead` };
  }
}
