/**
 * Errors that a musician can act on: a stable code for programs, and a sentence that names the
 * problem and the fix for people. Anything thrown across a module boundary in ama is an AmaError.
 */
export type AmaErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'EMPTY_FILE'
  | 'TRUNCATED'
  | 'CORRUPT_HEADER'
  | 'NOT_AUDIO'
  | 'UNSUPPORTED_CODEC'
  | 'NEEDS_FFMPEG'
  | 'BAD_FORMAT'
  | 'NON_FINITE_SAMPLES'
  | 'DECODE_FAILED'
  | 'BAD_OPTION'
  | 'BAD_OSC'
  | 'BAD_MAPPING'
  | 'DAW_UNREACHABLE'
  | 'DAW_PUSH'
  | 'MODEL_NOT_INSTALLED'
  | 'MODEL_CORRUPT'
  | 'MODEL_CONTRACT'
  | 'MODEL_DOWNLOAD_FAILED'
  | 'SEPARATOR_FAILED'
  | 'INTERNAL';

/** An error with a machine-readable code and a human sentence (which already says how to fix it). */
export class AmaError extends Error {
  readonly code: AmaErrorCode;
  constructor(code: AmaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AmaError';
    this.code = code;
  }
}

/** The one-line message of any thrown value, for reports. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
