import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProfileWorkerLaunch } from '../../src/analysis/profile/thread.js';
import type { OnnxWorkerLaunch } from '../../src/separation/onnx/protocol.js';
import { ROOT } from './cli.js';

/**
 * Starts a worker thread on a TypeScript entry of the sources (relative to the repository root),
 * through the hooks of ./tsLoader.mjs, so that tests exercise the worker without a build.
 */
export function tsWorkerLaunch(entry: string): ProfileWorkerLaunch {
  const loader = pathToFileURL(path.join(ROOT, 'test/helpers/tsLoader.mjs')).href;
  const target = pathToFileURL(path.join(ROOT, entry)).href;
  return {
    eval: true,
    entry: `require('node:module').register(${JSON.stringify(loader)}); import(${JSON.stringify(target)});`,
  };
}

/** A worker made of `code` (CommonJS source), to stand in for a broken worker. */
export function evalLaunch(code: string): ProfileWorkerLaunch {
  return { eval: true, entry: code };
}

/**
 * Starts a child process (Node with an IPC channel) on a TypeScript entry of the sources (relative to
 * the repository root), through the hooks of ./tsLoader.mjs, registered by an --import.
 */
export function tsChildLaunch(entry: string): OnnxWorkerLaunch {
  return { entry: path.join(ROOT, entry), execArgv: tsLoaderExecArgv() };
}

/** Node options that register ./tsLoader.mjs, for a child process that imports ama's TypeScript sources. */
export function tsLoaderExecArgv(): string[] {
  const loader = pathToFileURL(path.join(ROOT, 'test/helpers/tsLoader.mjs')).href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(loader)});`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}
