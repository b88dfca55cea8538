import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, for spawning the built CLI. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built `ama` entry point (npm test builds it before running vitest). */
export const AMA_BIN = path.join(ROOT, 'dist/src/cli/main.js');

/** Result of running a command to completion. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments and collects its output. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the built ama CLI. */
export function ama(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [AMA_BIN, ...args], env);
}

/** Whether an executable is on PATH. */
export async function hasCommand(cmd: string): Promise<boolean> {
  try {
    const r = await run(cmd, ['-version']);
    return r.code === 0 || r.stdout.length > 0 || r.stderr.length > 0;
  } catch {
    return false;
  }
}

/**
 * Whether a test that needs these external tools should be skipped. On CI (CI=true) the tools are
 * installed by .ci/run, so a missing one fails the run instead of silently skipping the check.
 */
export async function skipWithout(...cmds: string[]): Promise<boolean> {
  const missing: string[] = [];
  for (const c of cmds) if (!(await hasCommand(c))) missing.push(c);
  if (missing.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(`CI needs ${missing.join(', ')}: run scripts/install-system-deps.sh`);
  console.warn(`skipping: ${missing.join(', ')} not installed (scripts/install-system-deps.sh installs them)`);
  return true;
}
